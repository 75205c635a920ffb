import ArgumentParser
import Foundation
import Logging
import MediaBatchCore
import MediaBatchEngine

/// The settings a command runs with: flags over `MEDIABATCH_*` variables over defaults, resolved once.
struct ResolvedSettings {
  var outputDirectory: String
  var catalog: DemoCatalog
  var demoLatency: Duration
  var concurrency: Int
  var logLevel: Logger.Level

  /// Variables that mean a Firebase project is configured; this version cannot read one, so it says so instead of
  /// silently exporting demo data.
  static let firebaseVariables = [
    "FIREBASE_PROJECT_ID", "FIREBASE_SERVICE_ACCOUNT_PATH", "GOOGLE_APPLICATION_CREDENTIALS", "FIRESTORE_EMULATOR_HOST",
  ]

  init(_ options: CommonOptions, environment: [String: String] = ProcessInfo.processInfo.environment, defaultLogLevel: Logger.Level) throws
  {
    func integer(_ name: String) throws -> Int? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      guard let value = Int(text) else { throw ValidationError("\(name) must be a whole number, not \"\(text)\"") }
      return value
    }
    let source = options.source ?? environment["MEDIABATCH_SOURCE"].flatMap { $0.isEmpty ? nil : $0 }
    if let source, source != "demo" {
      throw ValidationError("MEDIABATCH_SOURCE must be demo, not \(source)")
    }
    if source == nil, let variable = Self.firebaseVariables.first(where: { environment[$0]?.isEmpty == false }) {
      throw ValidationError(
        "\(variable) is set, but this version of MediaBatch reads only the built-in demo data. "
          + "Pass --source demo to export the demo data anyway."
      )
    }
    outputDirectory = options.output ?? environment["MEDIABATCH_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "downloads"
    let users = try options.demoUsers ?? integer("MEDIABATCH_DEMO_USERS") ?? 100
    guard users >= 0 else { throw ValidationError("MEDIABATCH_DEMO_USERS must be 0 or more") }
    catalog = DemoCatalog(userCount: users, includesEdgeCases: options.demoEdgeCases)
    demoLatency = .milliseconds(options.demoLatencyMs ?? 0)
    concurrency = try options.concurrency ?? integer("MEDIABATCH_CONCURRENCY") ?? 32
    guard (1...1_024).contains(concurrency) else { throw ValidationError("MEDIABATCH_CONCURRENCY must be between 1 and 1024") }
    let levelText = options.logLevel ?? environment["MEDIABATCH_LOG_LEVEL"]
    if let levelText, !levelText.isEmpty {
      guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
        throw ValidationError("log level must be one of trace, debug, info, notice, warning, error, critical; not \(levelText)")
      }
      logLevel = level
    } else {
      logLevel = defaultLogLevel
    }
  }

  var jobSettings: JobSettings { JobSettings(concurrency: concurrency) }

  /// The composition root: the source, the store and the engine, wired together.
  func makeEngine(sink: any JobResultsSink, logger: Logger) -> BatchEngine {
    BatchEngine(
      source: DemoSource(catalog: catalog),
      store: DemoStore(catalog: catalog, latency: demoLatency),
      layout: OutputLayout(root: outputDirectory),
      defaults: jobSettings,
      sink: sink,
      logger: logger
    )
  }

  func makeLogger(label: String) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = logLevel
    return logger
  }

  /// Creates the output folder and proves it is writable, before any job starts.
  func checkOutputIsWritable() throws {
    let probe = outputDirectory + "/" + OutputLayout.stateFolderName
    do {
      try FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
      let file = probe + "/write-check"
      guard FileManager.default.createFile(atPath: file, contents: Data("ok".utf8)) else {
        throw CocoaError(.fileWriteNoPermission)
      }
      try FileManager.default.removeItem(atPath: file)
    } catch {
      throw ValidationError("the output folder \(outputDirectory) is not writable: \(error.localizedDescription)")
    }
  }
}
