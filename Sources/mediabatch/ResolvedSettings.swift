import ArgumentParser
import CoreMetrics
import Foundation
import GoogleCloud
import Logging
import MediaBatchCore
import MediaBatchDemo
import MediaBatchEngine
import MediaBatchFirebase
import MediaBatchJobStore

/// The settings a command runs with: flags over environment over the settings file over defaults, resolved once.
struct ResolvedSettings {
  enum Source {
    case demo(DemoCatalog, latency: Duration, bytesPerSecond: Int?)
    case firebase(GoogleCloudEnvironment, FirebaseSchema)
  }

  var source: Source
  var outputDirectory: String
  /// Where the job store and the lock live: `--state-dir`, else the output folder's `.mediabatch` (a shard's own
  /// folder inside it, for a sharded run).
  var stateDirectory: String
  var concurrency: Int
  var logLevel: Logger.Level
  var logFormat = LogFormat.text
  var shard: Shard?
  /// Keep bytes no hash can check, marked unverified, instead of failing the item.
  var allowUnverified = false
  /// Keep gzip-encoded objects compressed, as stored.
  var keepGzip = false
  /// A download under 1 KiB/s over this many seconds, or silent for half of it, is given up and resumed.
  var stallSeconds = 60
  /// After a stop, downloads in flight get this long to finish.
  var stopGraceSeconds = 5
  /// Which HTTP the Google clients speak over TLS.
  var httpVersion = HTTPVersionChoice.default
  /// Objects of at least this many MiB are fetched as parallel slices; 0 never.
  var sliceThresholdMib = 64

  init(
    _ options: SourceOptions, export: ExportOptions? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
    defaultLogLevel: Logger.Level
  ) throws {
    let variables = EnvironmentValues(variables: environment)
    func value(_ name: String) -> String? { variables.string(name) }
    func integer(_ name: String) throws -> Int? { try variables.integer(name) }
    let file = try SettingsFile.load(options.config)

    let google = Self.googleEnvironment(options, file: file, environment: environment)

    let sourceName = options.source ?? value("MEDIABATCH_SOURCE") ?? file.source ?? (google.isConfigured ? "firebase" : "demo")
    switch sourceName {
    case "demo":
      let users = try options.demoUsers ?? integer("MEDIABATCH_DEMO_USERS") ?? file.demoUsers ?? 100
      guard users >= 0 else { throw ValidationError("the number of demo users must be 0 or more, not \(users)") }
      source = .demo(
        DemoCatalog(userCount: users, includesEdgeCases: options.demoEdgeCases),
        latency: .milliseconds(export?.demoLatencyMs ?? 0),
        bytesPerSecond: export?.demoKibPerSecond.map { $0 * 1024 }
      )
    case "firebase":
      guard google.isConfigured || google.gcloudCredentialsFile != nil else {
        throw ValidationError(
          "no Firebase project is configured: set FIREBASE_PROJECT_ID and GOOGLE_APPLICATION_CREDENTIALS (a service-account key), "
            + "or FIRESTORE_EMULATOR_HOST and STORAGE_EMULATOR_HOST for emulators; or use --source demo"
        )
      }
      try Self.check(google)
      var schema = file.schema ?? FirebaseSchema()
      if let collection = options.usersCollection { schema.usersCollection = collection }
      source = .firebase(google, schema)
    default:
      throw ValidationError("the source must be firebase or demo, not \(sourceName)")
    }

    if let text = options.httpVersion ?? value("MEDIABATCH_HTTP_VERSION") {
      guard let version = HTTPVersionChoice(rawValue: text == "1" || text == "http1" ? "1.1" : text == "http2" ? "2" : text) else {
        throw ValidationError("the HTTP version must be 1.1 or 2, not \(text)")
      }
      httpVersion = version
    }
    shard = try Self.shard(export?.shard, environment: value)
    allowUnverified = export?.allowUnverified ?? false
    keepGzip = export?.keepGzip ?? false
    stallSeconds = try export?.stallSeconds ?? integer("MEDIABATCH_STALL_SECONDS") ?? 60
    guard (2...3_600).contains(stallSeconds) else { throw ValidationError("the stall time must be from 2 to 3600 seconds, not \(stallSeconds)") }
    stopGraceSeconds = try export?.stopGraceSeconds ?? integer("MEDIABATCH_STOP_GRACE_SECONDS") ?? 5
    guard (0...3_600).contains(stopGraceSeconds) else {
      throw ValidationError("the stop grace period must be from 0 to 3600 seconds, not \(stopGraceSeconds)")
    }
    sliceThresholdMib = try export?.sliceThresholdMib ?? integer("MEDIABATCH_SLICE_THRESHOLD_MIB") ?? 64
    guard (0...1_048_576).contains(sliceThresholdMib) else {
      throw ValidationError("the slice threshold must be from 0 to 1048576 MiB, not \(sliceThresholdMib)")
    }
    outputDirectory = export?.output ?? value("MEDIABATCH_OUTPUT_DIR") ?? file.output ?? "downloads"
    stateDirectory = Self.stateDirectory(export?.stateDir ?? value("MEDIABATCH_STATE_DIR"), output: outputDirectory, shard: shard)
    concurrency = try export?.concurrency ?? integer("MEDIABATCH_CONCURRENCY") ?? file.concurrency ?? 32
    guard (1...1_024).contains(concurrency) else { throw ValidationError("the concurrency must be between 1 and 1024, not \(concurrency)") }
    do {
      logFormat = try LogFormat.resolve(options.logFormat, environment: variables, standardErrorIsTerminal: Terminal.standardErrorIsTerminal)
    } catch {
      throw ValidationError("\(error)")
    }
    StructuredLog.configure(logFormat)
    StructuredLog.setLabel("shard", shard.map { "\($0)" })
    if let levelText = options.logLevel ?? value("MEDIABATCH_LOG_LEVEL") {
      guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
        throw ValidationError("log level must be one of trace, debug, info, notice, warning, error, critical; not \(levelText)")
      }
      logLevel = level
    } else {
      logLevel = defaultLogLevel
    }
  }

  var jobSettings: JobSettings {
    var settings = JobSettings(concurrency: concurrency)
    settings.shard = shard
    settings.allowUnverified = allowUnverified
    settings.keepGzip = keepGzip
    settings.retry.stall = .init(window: .seconds(stallSeconds))
    settings.stopGracePeriod = .seconds(stopGraceSeconds)
    settings.slicing = sliceThresholdMib == 0 ? nil : Slicing(threshold: Int64(sliceThresholdMib) << 20)
    return settings
  }

  /// `--shard`, else the index and count a Cloud Run Job, a Cloud Batch job or a Kubernetes Indexed Job gives each task.
  static func shard(_ flag: String?, environment value: (String) -> String?) throws -> Shard? {
    if let flag {
      guard let shard = Shard(flag) else { throw ValidationError("--shard must be i/n with 0 ≤ i < n, not \(flag)") }
      return shard
    }
    let pairs = [
      ("CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"), ("BATCH_TASK_INDEX", "BATCH_TASK_COUNT"), ("JOB_COMPLETION_INDEX", "MEDIABATCH_SHARD_COUNT"),
    ]
    for (indexName, countName) in pairs {
      guard let indexText = value(indexName), let countText = value(countName) else { continue }
      guard let index = Int(indexText), let count = Int(countText), let shard = Shard(index: index, count: count) else {
        throw ValidationError("\(indexName)=\(indexText) and \(countName)=\(countText) do not name a shard")
      }
      return shard
    }
    return nil
  }

  /// An engine and what must be closed after it.
  struct Runtime {
    var engine: BatchEngine
    /// Where the credentials came from, when a remote source is in use.
    var credentials: String?
    var shutdown: @Sendable () async -> Void
  }

  /// The composition root: the source, the store and the engine, wired together.
  func makeRuntime(jobStore: any JobStore, logger: Logger, metrics: any MetricsFactory = NOOPMetricsHandler.instance) async throws -> Runtime {
    let layout = OutputLayout(root: outputDirectory)
    switch source {
    case .demo(let catalog, let latency, let bytesPerSecond):
      let engine = BatchEngine(
        source: DemoSource(catalog: catalog, pageLatency: latency),
        store: DemoStore(catalog: catalog, latency: latency, bytesPerSecond: bytesPerSecond), layout: layout,
        defaults: jobSettings, jobStore: jobStore, logger: logger, metrics: metrics
      )
      return Runtime(engine: engine, credentials: nil, shutdown: {})
    case .firebase(let environment, let schema):
      let clients = try await GoogleCloudClients.make(
        environment: environment, connections: concurrency, readTimeout: .milliseconds(Int64(stallSeconds) * 500),
        httpVersion: httpVersion, metrics: metrics is NOOPMetricsHandler ? nil : metrics)
      let bucket = await clients.defaultBucket(configured: environment.storageBucket)
      let engine = BatchEngine(
        source: clients.source(schema: schema, defaultBucket: bucket), store: clients.store, layout: layout,
        defaults: jobSettings, jobStore: jobStore, logger: logger, metrics: metrics
      )
      let http = clients.http
      return Runtime(engine: engine, credentials: clients.credentialsDescription, shutdown: { try? await http.shutdown() })
    }
  }

  /// The Google Cloud clients of a Firebase source; the caller shuts their HTTP client down.
  func makeGoogleCloudClients() async throws -> (GoogleCloudClients, FirebaseSchema, bucket: String?) {
    guard case .firebase(let environment, let schema) = source else {
      throw ValidationError("this command reads a Firebase project: configure one (FIREBASE_PROJECT_ID, credentials or emulators)")
    }
    let clients = try await GoogleCloudClients.make(environment: environment, connections: concurrency, httpVersion: httpVersion)
    return (clients, schema, await clients.defaultBucket(configured: environment.storageBucket))
  }

  func makeLogger(label: String) -> Logger {
    let format = logFormat
    var logger = Logger(label: label) { format == .json ? StructuredLogHandler(label: $0) as any LogHandler : StreamLogHandler.standardError(label: $0) }
    logger.logLevel = logLevel
    return logger
  }
}

extension JobSummary {
  /// What a job whose process died left, told when the folder is opened again.
  func interruptedNotice(pickedUpBy nextJob: String) -> String {
    let started = ISO8601DateFormatter().string(from: startedAt)
    return "Job \(jobId) (started \(started)) was interrupted after \(Terminal.count(totalFilesDownloaded + skippedFiles)) files were "
      + "recorded. \(nextJob) resumes it: exported files are checked and kept, partial downloads continue where they stopped."
  }
}
