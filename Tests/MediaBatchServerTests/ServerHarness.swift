import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MediaBatchCore
import MediaBatchDemo
import MediaBatchEngine
import MediaBatchJobStore
import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Prometheus
import Testing

/// The real application, as `mediabatch serve` builds it, around a test's source and store.
struct ServerHarness {
  let directory: TemporaryDirectory
  let engine: BatchEngine
  /// Where jobs are recorded and read back: in memory unless a test needs the database to outlive the server.
  let history: any JobStore & JobHistory
  let configuration: ServerConfiguration
  let metrics = PrometheusCollectorRegistry()

  init<Source: UserSource, Store: MediaStore>(
    source: Source,
    store: Store,
    token: String? = nil,
    concurrency: Int = 8,
    directory: TemporaryDirectory? = nil,
    persistent: Bool = false,
    configure: (inout ServerConfiguration) -> Void = { _ in }
  ) throws {
    self.directory = try directory ?? TemporaryDirectory()
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    history =
      persistent
      ? try SQLiteJobStore(path: SQLiteJobStore.path(outputRoot: self.directory.appending("out")), syncing: nil, logger: logger)
      : InMemoryJobStore()
    engine = BatchEngine(
      source: source, store: store, layout: OutputLayout(root: self.directory.appending("out")),
      defaults: JobSettings(concurrency: concurrency, retry: RetryPolicy(maximumAttempts: 2, initialDelay: .zero)),
      jobStore: history, logger: logger, metrics: PrometheusMetricsFactory(registry: metrics)
    )
    var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, apiToken: token)
    configure(&configuration)
    self.configuration = configuration
  }

  /// `directory`: an output folder an earlier server used, as after a restart; `persistent`: the job history in the
  /// folder's SQLite database (as `serve` keeps it), so that a restarted server reads it back.
  static func demo(
    users: Int = 20, edgeCases: Bool = false, token: String? = nil, directory: TemporaryDirectory? = nil,
    persistent: Bool = false, configure: (inout ServerConfiguration) -> Void = { _ in }
  ) throws -> ServerHarness {
    let catalog = DemoCatalog(userCount: users, includesEdgeCases: edgeCases)
    return try ServerHarness(
      source: DemoSource(catalog: catalog), store: DemoStore(catalog: catalog), token: token, directory: directory,
      persistent: persistent, configure: configure)
  }

  func application(logger: Logger? = nil) throws -> some ApplicationProtocol {
    var quiet = Logger(label: "test")
    quiet.logLevel = .critical
    return try buildApplication(engine: engine, history: history, configuration: configuration, metrics: metrics, logger: logger ?? quiet)
  }

  /// Subscribes, runs `action`, and waits for the job it starts to end.
  func untilJobEnds(_ action: () async throws -> Void) async throws {
    let events = engine.events.subscribe(bufferSize: 100_000)
    try await action()
    for await envelope in events {
      if case .state(_, let status) = envelope.event, !status.isActive { return }
    }
  }
}

extension TestResponse {
  var json: [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
  }

  var errorCode: String? {
    (json["error"] as? [String: Any])?["code"] as? String
  }
}

extension Data {
  init(buffer: ByteBuffer) {
    self.init(buffer.readableBytesView)
  }
}

extension TestClientProtocol {
  /// A `POST` as the dashboard sends it: `Content-Type: application/json`, whatever the body.
  @discardableResult func post<Return>(
    uri: String,
    headers: HTTPFields = [:],
    body: ByteBuffer? = nil,
    testCallback: @escaping (TestResponse) async throws -> Return = { $0 }
  ) async throws -> Return {
    var headers = headers
    if headers[.contentType] == nil { headers[.contentType] = "application/json" }
    return try await execute(uri: uri, method: .post, headers: headers, body: body, testCallback: testCallback)
  }
}
