import ArgumentParser
import Foundation
import GoogleCloud
import MediaBatchCore
import Toolbox

/// Where users and their media come from: every command that reads a project takes these; each falls back to its
/// `MEDIABATCH_*` (or Google) variable, then the settings file, then a default.
struct SourceOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Where users come from: firebase or demo (env MEDIABATCH_SOURCE; default firebase when a project is configured).",
      valueName: "source"
    )
  )
  var source: String?

  @Option(name: .long, help: ArgumentHelp("Settings file, YAML or JSON (default ./mediabatch.yaml when present).", valueName: "file"))
  var config: String?

  @Option(name: .long, help: ArgumentHelp("Firebase project id (env FIREBASE_PROJECT_ID).", valueName: "id"))
  var project: String?

  @Option(name: .long, help: ArgumentHelp("Bucket for plain object paths (env FIREBASE_STORAGE_BUCKET).", valueName: "name"))
  var bucket: String?

  @Option(name: .long, help: ArgumentHelp("Firestore collection of users (default email_users).", valueName: "name"))
  var usersCollection: String?

  @Option(name: .long, help: ArgumentHelp("Firestore database to read (env FIRESTORE_DATABASE; default (default)).", valueName: "id"))
  var database: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Project billed for every request, as requester-pays buckets need (env MEDIABATCH_BILLING_PROJECT).", valueName: "id"))
  var billingProject: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Act as this service account, with the credentials found as the ones that ask; a comma-separated list is a delegation chain ending with it (env MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT).",
      valueName: "email"))
  var impersonateServiceAccount: String?

  @Option(name: .long, help: ArgumentHelp("Users in the demo data (env MEDIABATCH_DEMO_USERS; default 100).", valueName: "n"))
  var demoUsers: Int?

  @Flag(name: .long, help: "Add edge cases to the demo data: hostile names, duplicates, missing and corrupt objects.")
  var demoEdgeCases = false

  @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (env MEDIABATCH_LOG_LEVEL; default warning for run, info for serve).", valueName: "level"))
  var logLevel: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "text, or json: one Cloud Logging structured line per record on standard error (env MEDIABATCH_LOG_FORMAT; default json when standard error is not a terminal on Cloud Run, Cloud Batch or Kubernetes, text otherwise).",
      valueName: "format"))
  var logFormat: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "HTTP over TLS to Google: 1.1 (a connection per download in flight) or 2 (every download to a host on one multiplexed connection) (env MEDIABATCH_HTTP_VERSION; default 1.1).",
      valueName: "version")
  )
  var httpVersion: String?

  func validate() throws {
    if let demoUsers, demoUsers < 0 { throw ValidationError("--demo-users must be 0 or more, not \(demoUsers)") }
    if let logFormat, LogFormat(rawValue: logFormat.lowercased()) == nil {
      throw ValidationError("--log-format must be text or json, not \(logFormat)")
    }
    if let source, !["demo", "firebase"].contains(source) {
      throw ValidationError("--source must be firebase or demo, not \(source)")
    }
    if let database, let problem = FirestoreDatabaseID.problem(in: database) { throw ValidationError("--database: \(problem)") }
    if let billingProject, let problem = ResolvedSettings.problem(inProjectID: billingProject) {
      throw ValidationError("--billing-project: \(problem)")
    }
    if let impersonateServiceAccount,
      let problem = ServiceAccountImpersonation.problem(inChain: GoogleCloudEnvironment.serviceAccountChain(impersonateServiceAccount))
    {
      throw ValidationError("--impersonate-service-account: \(problem)")
    }
  }
}

/// How an export runs: the commands that run jobs (`run`, `serve`) take these.
struct ExportOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Folder to export into (env MEDIABATCH_OUTPUT_DIR; default downloads).", valueName: "dir"))
  var output: String?

  @Option(name: .long, help: ArgumentHelp("Downloads in flight at once, 1–1024 (env MEDIABATCH_CONCURRENCY; default 32).", valueName: "n"))
  var concurrency: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Where the job store and the lock live, on a local disk (env MEDIABATCH_STATE_DIR; default <output>/.mediabatch, or <output>/.mediabatch/shard-<i>-of-<n> for a shard).",
      valueName: "dir"))
  var stateDir: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Export only shard i of n (default from CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT, BATCH_TASK_INDEX/BATCH_TASK_COUNT, or JOB_COMPLETION_INDEX with MEDIABATCH_SHARD_COUNT).",
      valueName: "i/n"
    )
  )
  var shard: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Delay every demo download and every page of 100 demo users by this many milliseconds, to model a remote store.", valueName: "ms")
  )
  var demoLatencyMs: Int?

  @Option(name: .long, help: ArgumentHelp("Limit each demo download to this many KiB per second, to model a slow link.", valueName: "kib"))
  var demoKibPerSecond: Int?

  @Flag(
    name: .long,
    help: "Keep the bytes of an object the store gives no CRC32C or MD5 for, marked unverified in the manifest (default: such items fail as unverifiable)."
  )
  var allowUnverified = false

  @Flag(name: .long, help: "Keep objects stored with Content-Encoding gzip compressed, as stored (default: saved decompressed).")
  var keepGzip = false

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Give up and resume a download slower than 1 KiB/s over this many seconds, or silent for half of it; 2–3600 (env MEDIABATCH_STALL_SECONDS; default 60).",
      valueName: "s"))
  var stallSeconds: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "After a stop (Ctrl-C, SIGTERM, the API), give downloads in flight this many seconds to finish; 0–3600 (env MEDIABATCH_STOP_GRACE_SECONDS; default 5).",
      valueName: "s"))
  var stopGraceSeconds: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Fetch objects of at least this many MiB as up to 8 parallel Range slices into one file; 0 never slices (env MEDIABATCH_SLICE_THRESHOLD_MIB; default 64).",
      valueName: "mib"))
  var sliceThresholdMib: Int?

  func validate() throws {
    if let sliceThresholdMib, !(0...1_048_576).contains(sliceThresholdMib) {
      throw ValidationError("--slice-threshold-mib must be between 0 and 1048576, not \(sliceThresholdMib)")
    }
    if let concurrency, !(1...1_024).contains(concurrency) {
      throw ValidationError("--concurrency must be between 1 and 1024, not \(concurrency)")
    }
    if let shard, Shard(shard) == nil {
      throw ValidationError("--shard must be i/n with 0 ≤ i < n, not \(shard)")
    }
    if let demoKibPerSecond, demoKibPerSecond < 1 {
      throw ValidationError("--demo-kib-per-second must be 1 or more, not \(demoKibPerSecond)")
    }
    if let demoLatencyMs, !(0...60_000).contains(demoLatencyMs) {
      throw ValidationError("--demo-latency-ms must be between 0 and 60000, not \(demoLatencyMs)")
    }
    if let stallSeconds, !(2...3_600).contains(stallSeconds) {
      throw ValidationError("--stall-seconds must be between 2 and 3600, not \(stallSeconds)")
    }
    if let stopGraceSeconds, !(0...3_600).contains(stopGraceSeconds) {
      throw ValidationError("--stop-grace-seconds must be between 0 and 3600, not \(stopGraceSeconds)")
    }
  }
}
