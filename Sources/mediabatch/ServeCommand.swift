import ArgumentParser
import Foundation
import Hummingbird
import MediaBatchCore
import MediaBatchEngine
import MediaBatchJobStore
import MediaBatchServer
import Prometheus

/// `mediabatch serve`: the job API and the dashboard.
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the job API and the live dashboard.",
    discussion: "Binds 127.0.0.1:8000 by default. Set MEDIABATCH_API_TOKEN to require a bearer token on every API call."
  )

  @OptionGroup var options: SourceOptions
  @OptionGroup var export: ExportOptions

  @Option(name: .long, help: ArgumentHelp("Address to listen on (env MEDIABATCH_HOST; default 127.0.0.1).", valueName: "address"))
  var host: String?

  @Option(name: .long, help: ArgumentHelp("Port to listen on; 0 picks a free one (env MEDIABATCH_PORT; default 8000).", valueName: "port"))
  var port: Int?

  @Option(
    name: .customLong("allowed-host"),
    help: ArgumentHelp(
      "A host name (or name:port) browsers may use to reach the server, besides localhost, 127.0.0.1 and [::1]; repeatable (env MEDIABATCH_ALLOWED_HOSTS, comma-separated).",
      valueName: "name"))
  var allowedHosts: [String] = []

  @Option(
    name: .long,
    help: ArgumentHelp("Event streams open at once, 1–10000 (env MEDIABATCH_MAX_EVENT_STREAMS; default 64).", valueName: "n"))
  var maxEventStreams: Int?

  func run() async throws {
    let environment = ProcessInfo.processInfo.environment
    let settings = try ResolvedSettings(options, export: export, environment: environment, defaultLogLevel: .info)
    try settings.checkOutputIsWritable()
    let lock = try settings.lockOutput(command: "mediabatch serve")
    defer { withExtendedLifetime(lock) {} }
    let configuration = try ServeSettings(host: host, port: port, allowedHosts: allowedHosts, maxEventStreams: maxEventStreams)
      .configuration(environment: environment)
    let logger = settings.makeLogger(label: "mediabatch")
    let (history, interrupted) = try settings.openJobStore(logger: logger)
    for job in interrupted { Terminal.writeError(job.interruptedNotice(pickedUpBy: "The next job started here")) }
    let registry = PrometheusCollectorRegistry()
    let factory = makeMetricsFactory(registry: registry)
    let runtime = try await settings.makeRuntime(jobStore: history, logger: logger, metrics: factory)
    let engine = runtime.engine
    do {
      let app = try buildApplication(engine: engine, history: history, configuration: configuration, metrics: registry, logger: logger) {
        port in
        let auth = configuration.apiToken == nil ? "no token required" : "bearer token required"
        Terminal.writeError("MediaBatch listening on http://\(configuration.host):\(port) (\(auth))")
        Terminal.writeError("Source: \(engine.sourceInfo.description). Output: \(URL(fileURLWithPath: settings.outputDirectory).standardizedFileURL.path)")
        if let credentials = runtime.credentials { Terminal.writeError("Credentials: \(credentials)") }
      }
      try await app.runService()
    } catch {
      await runtime.shutdown()
      throw error
    }
    await runtime.shutdown()
  }
}
