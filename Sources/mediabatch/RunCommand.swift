import ArgumentParser
import Foundation
import Logging
import MediaBatchCore
import MediaBatchEngine
import MediaBatchJobStore
import MediaBatchServer
import CoreMetrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `mediabatch run`: one export job in the terminal, with live progress and an exit code that tells how it went.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Export every user's media once, with live progress.",
    discussion: """
      Exit status: 0 when every item was exported and verified, 1 when some item failed or the job was stopped \
      (Ctrl-C stops gracefully), 2 when the job could not run.
      """
  )

  @OptionGroup var options: SourceOptions
  @OptionGroup var export: ExportOptions

  @Flag(name: .long, help: "Print a machine-readable JSON summary on standard output.")
  var json = false

  @Flag(name: .long, help: "List users and plan every file, download nothing.")
  var dryRun = false

  @Option(name: .customLong("user"), help: ArgumentHelp("Only this user (document id or email); repeatable.", valueName: "id"))
  var users: [String] = []

  @Option(name: .customLong("kind"), help: ArgumentHelp("Only this media kind (images, voices); repeatable.", valueName: "kind"))
  var kinds: [String] = []

  @Flag(name: .long, help: "Fetch only the failed and cancelled items of the last job in this output folder that had any.")
  var retryFailed = false

  @Option(
    name: .long,
    help: ArgumentHelp("Fetch only the failed and cancelled items of this earlier job in the output folder (ids: mediabatch jobs).", valueName: "job")
  )
  var retryJob: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Serve Prometheus metrics (item durations, time to first byte, Google API calls) at /metrics on this port while the job runs; 0 picks a free one (env MEDIABATCH_METRICS_PORT).",
      valueName: "port"))
  var metricsPort: Int?

  @Option(
    name: .long,
    help: ArgumentHelp("The address the metrics port listens on (default 127.0.0.1; 0.0.0.0 for a scraper in a cluster).", valueName: "host"))
  var metricsHost: String?

  func validate() throws {
    if let metricsPort, !(0...65_535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0–65535, not \(metricsPort)") }
    if dryRun, retryFailed || retryJob != nil { throw ValidationError("--retry-failed and --retry-job cannot be combined with --dry-run") }
    if retryFailed, retryJob != nil { throw ValidationError("--retry-failed retries the last job with failures, --retry-job a named one: give one") }
  }

  func run() async throws {
    let settings = try ResolvedSettings(options, export: export, defaultLogLevel: .warning)
    let logger = settings.makeLogger(label: "mediabatch")
    var lock: OutputLock?
    let jobStore: SQLiteJobStore
    var interrupted: [JobSummary] = []
    if dryRun {
      // A dry run writes nothing into the output folder, its history included.
      jobStore = try SQLiteJobStore(inMemoryWith: logger, keepingOnlyProblems: true)
    } else {
      try settings.checkOutputIsWritable()
      lock = try settings.lockOutput(command: "mediabatch run")
      (jobStore, interrupted) = try settings.openJobStore(logger: logger)
    }
    defer { withExtendedLifetime(lock) {} }
    for job in interrupted { Terminal.writeError(job.interruptedNotice(pickedUpBy: "This job")) }
    let retried = try await retriedJob(in: jobStore, output: settings.outputDirectory)

    let environment = EnvironmentValues(variables: ProcessInfo.processInfo.environment)
    var metricsServer: (any Service)?
    let factory: any MetricsFactory
    if let port = try metricsPort ?? environment.integer("MEDIABATCH_METRICS_PORT", what: "a port number, 0–65535") {
      guard (0...65_535).contains(port) else { throw ValidationError("MEDIABATCH_METRICS_PORT must be a port number, 0–65535, not \(port)") }
      let registry = PrometheusCollectorRegistry()
      let prometheus = makeMetricsFactory(registry: registry)
      factory = prometheus
      let host = metricsHost ?? "127.0.0.1"
      metricsServer = buildMetricsApplication(
        registry: registry, host: host, port: port, token: environment.string("MEDIABATCH_API_TOKEN"), logger: logger
      ) { port in
        Terminal.writeError("Metrics on http://\(host):\(port)/metrics")
      }
    } else {
      factory = NOOPMetricsHandler.instance
    }
    let runtime = try await settings.makeRuntime(jobStore: jobStore, logger: logger, metrics: factory)
    let engine = runtime.engine
    let jobId: String
    var record: RunRecord?
    do {
      (jobId, record) = try await runJob(
        engine, resumes: interrupted.last?.jobId, retrying: retried, credentials: runtime.credentials, metricsServer: metricsServer,
        logger: logger)
    } catch {
      await runtime.shutdown()
      throw error
    }
    await runtime.shutdown()

    let output = URL(fileURLWithPath: settings.outputDirectory).standardizedFileURL.path
    let snapshot = engine.snapshot()
    let report = RunReport(
      snapshot: snapshot, output: output, failedUsers: await unsuccessfulUsers(jobStore, jobId: jobId),
      failureReason: engine.currentSummary()?.failureReason)
    if var record {
      record.finish(report)
      writeRecord(record, root: engine.layout.root, shard: engine.defaults.shard, logger: logger)
    }
    if json {
      print(try report.json())
    } else {
      print(report.text())
    }
    throw ExitCode(report.exitCode)
  }

  /// The job `--retry-job` names, checked against the history, or for `--retry-failed` the last one with failures.
  private func retriedJob(in store: SQLiteJobStore, output: String) async throws -> String? {
    if retryFailed {
      guard let job = try await store.latestJob(withFailures: true) else {
        Terminal.writeError("Nothing to retry: no job recorded in \(output) has failed or cancelled items.")
        throw ExitCode.success
      }
      return job.jobId
    }
    guard let retryJob else { return nil }
    guard try await store.job(retryJob) != nil else {
      throw RunFailure("--retry-job: no job \(retryJob) in the history of \(output); `mediabatch jobs \(output)` lists them")
    }
    return retryJob
  }

  /// Starts the job and runs the engine until it is over, with progress on standard error and Ctrl-C as a stop.
  private func runJob(
    _ engine: BatchEngine,
    resumes: String?,
    retrying: String?,
    credentials: String?,
    metricsServer: (any Service)?,
    logger: Logger
  ) async throws -> (String, RunRecord?) {
    // Trapped before the job starts (and says so), so a Ctrl-C from then on stops it rather than killing the process.
    let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
    var jobSettings = engine.defaults
    jobSettings.dryRun = dryRun
    jobSettings.resumes = resumes
    jobSettings.retryFailedOf = retrying
    if !users.isEmpty { jobSettings.users = Set(users) }
    if !kinds.isEmpty { jobSettings.kinds = Set(kinds.map(MediaKind.init)) }

    let jobId = try engine.start(jobSettings)
    StructuredLog.setLabel("job_id", jobId)
    // A full run of the export (or of its shard) leaves a record `mediabatch report` reads; a partial one does not.
    var record: RunRecord?
    if !dryRun, retrying == nil, jobSettings.users == nil, jobSettings.kinds == nil {
      record = RunRecord(jobId: jobId, shard: jobSettings.shard, startedAt: Date())
      record.map { writeRecord($0, root: engine.layout.root, shard: jobSettings.shard, logger: logger) }
    }
    let grace = jobSettings.stopGracePeriod.components.seconds
    engine.finishAfterCurrentJob()
    let output = URL(fileURLWithPath: engine.layout.root).standardizedFileURL.path
    let shard = jobSettings.shard.map { ", shard \($0)" } ?? ""
    Terminal.writeError("MediaBatch job \(jobId): \(engine.sourceInfo.description)\(shard) → \(output)\(dryRun ? " (dry run)" : "")")
    if engine.sourceInfo.isDemo {
      Terminal.writeError("No Firebase project is configured: exporting the built-in demo data.")
    }
    if let credentials { Terminal.writeError("Credentials: \(credentials)") }
    if let retrying { Terminal.writeError("Retrying the failed and cancelled items of job \(retrying).") }

    let services = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: engine, successTerminationBehavior: .gracefullyShutdownGroup)]
          + (metricsServer.map { [.init(service: $0)] } ?? []),
        logger: logger
      )
    )
    let reporter = ProgressReporter(engine: engine, interactive: Terminal.standardErrorIsTerminal && StructuredLog.format == .text)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await services.run() }
      group.addTask { await reporter.run() }
      group.addTask {
        // Ctrl-C (or SIGTERM) stops gracefully; a second one stops at once.
        var received = 0
        for await _ in signals {
          received += 1
          // The engine ends its service when this job is over (`finishAfterCurrentJob`), which ends the group.
          if received == 1 {
            engine.stop()
            Terminal.writeError("Stopping: downloads in flight get \(grace) s to finish. Press Ctrl-C again to stop at once.")
          } else {
            engine.stopNow()
          }
        }
      }
      try await group.next()
      group.cancelAll()
    }
    reporter.finish()
    return (jobId, record)
  }

  private func writeRecord(_ record: RunRecord, root: String, shard: Shard?, logger: Logger) {
    do {
      try record.write(root: root, shard: shard)
    } catch {
      logger.warning("the run record could not be written: \(error)")
    }
  }

  /// The users that failed or stopped, for the report (the first thousand of each).
  private func unsuccessfulUsers(_ store: SQLiteJobStore, jobId: String) async -> [UserResult] {
    let failed = (try? await store.users(ofJob: jobId, status: .failed, limit: 1_000).elements) ?? []
    let stopped = (try? await store.users(ofJob: jobId, status: .stopped, limit: 1_000).elements) ?? []
    return failed + stopped
  }
}
