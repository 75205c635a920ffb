import ArgumentParser
import Foundation
import Logging
import MediaBatchCore
import MediaBatchEngine
import ServiceLifecycle

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

  @OptionGroup var options: CommonOptions

  @Flag(name: .long, help: "Print a machine-readable JSON summary on standard output.")
  var json = false

  @Flag(name: .long, help: "List users and plan every file, download nothing.")
  var dryRun = false

  @Option(name: .customLong("user"), help: ArgumentHelp("Only this user (document id or email); repeatable.", valueName: "id"))
  var users: [String] = []

  @Option(name: .customLong("kind"), help: ArgumentHelp("Only this media kind (images, voices); repeatable.", valueName: "kind"))
  var kinds: [String] = []

  func run() async throws {
    let settings = try ResolvedSettings(options, defaultLogLevel: .warning)
    var lock: OutputLock?
    if !dryRun {
      try settings.checkOutputIsWritable()
      lock = try settings.lockOutput(command: "mediabatch run")
    }
    defer { withExtendedLifetime(lock) {} }
    let logger = settings.makeLogger(label: "mediabatch")
    let results = InMemoryJobResults(retention: .unsuccessfulUsers)
    let runtime = try await settings.makeRuntime(sink: results, logger: logger)
    let engine = runtime.engine
    let jobId: String
    do {
      jobId = try await runJob(engine, credentials: runtime.credentials, logger: logger)
    } catch {
      await runtime.shutdown()
      throw error
    }
    await runtime.shutdown()

    let output = URL(fileURLWithPath: settings.outputDirectory).standardizedFileURL.path
    let snapshot = engine.snapshot()
    let report = RunReport(snapshot: snapshot, output: output, failedUsers: await failedUsers(results, jobId: jobId))
    if json {
      print(try report.json())
    } else {
      print(report.text())
    }
    throw ExitCode(report.exitCode)
  }

  /// Starts the job and runs the engine until it is over, with progress on standard error and Ctrl-C as a stop.
  private func runJob(_ engine: BatchEngine, credentials: String?, logger: Logger) async throws -> String {
    var jobSettings = engine.defaults
    jobSettings.dryRun = dryRun
    if !users.isEmpty { jobSettings.users = Set(users) }
    if !kinds.isEmpty { jobSettings.kinds = Set(kinds.map(MediaKind.init)) }

    let jobId = try engine.start(jobSettings)
    engine.finishAfterCurrentJob()
    let output = URL(fileURLWithPath: engine.layout.root).standardizedFileURL.path
    let shard = jobSettings.shard.map { ", shard \($0)" } ?? ""
    Terminal.writeError("MediaBatch job \(jobId): \(engine.sourceInfo.description)\(shard) → \(output)\(dryRun ? " (dry run)" : "")")
    if engine.sourceInfo.isDemo {
      Terminal.writeError("No Firebase project is configured: exporting the built-in demo data.")
    }
    if let credentials { Terminal.writeError("Credentials: \(credentials)") }

    let services = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: [.init(service: engine, successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigint, .sigterm],
        logger: logger
      )
    )
    let reporter = ProgressReporter(engine: engine, interactive: Terminal.standardErrorIsTerminal)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await services.run() }
      group.addTask { await reporter.run() }
      try await group.next()
      group.cancelAll()
    }
    reporter.finish()
    return jobId
  }

  private func failedUsers(_ results: InMemoryJobResults, jobId: String) async -> [UserResult] {
    await results.users(of: jobId, cursor: nil, limit: 1_000).users
  }
}
