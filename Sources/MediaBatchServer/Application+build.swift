public import Hummingbird
public import Logging
import Foundation
public import MediaBatchCore
public import MediaBatchEngine
import NIOCore
public import Prometheus

/// Builds the HTTP application around an engine: the composition root that `mediabatch serve` and the tests share.
/// The engine runs as one of the application's services.
public func buildApplication(
  engine: BatchEngine,
  history: any JobHistory,
  configuration: ServerConfiguration,
  metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
  logger: Logger,
  onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws(ServerConfigurationError) -> some ApplicationProtocol {
  try configuration.validate()
  let hosts = HostPolicy(configuration: configuration)
  let router = buildRouter(
    engine: engine, history: history, configuration: configuration, metrics: metrics, dashboard: .bundled(),
    guard: RequestGuard(token: configuration.apiToken, hosts: hosts)
  )
  let idle = configuration.connectionIdleTimeout.components
  return Application(
    responder: FrontDoor(router: router.buildResponder(), hosts: hosts),
    server: .http1(configuration: .init(idleTimeout: .seconds(max(1, idle.seconds)))),
    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "MediaBatch"),
    services: [engine],
    onServerRunning: { channel in
      let port = channel.localAddress?.port ?? configuration.port
      hosts.serverIsListening(on: port)
      await onServerRunning(port)
    },
    logger: logger
  )
}

/// Every route, from one table: the API behind the token, and the few that are open to anyone.
func routeTable<Context: RequestContext>(
  engine: BatchEngine,
  history: any JobHistory,
  configuration: ServerConfiguration,
  metrics: PrometheusCollectorRegistry,
  dashboard: DashboardFiles
) -> RouteTable<Context> {
  var table = RouteTable<Context>()
  table.add(BatchController(engine: engine, history: history).endpoints)
  table.add(
    EventsController(
      engine: engine, slots: EventStreamSlots(capacity: configuration.maxEventStreams), heartbeat: configuration.eventHeartbeat,
      idleTimeout: configuration.eventStreamIdleTimeout
    ).endpoints)
  table.add(JobsController(engine: engine, history: history).endpoints)
  table.add(ExportsController(history: history, reader: ExportReader(root: engine.layout.root)).endpoints)
  let openAPI = ByteBuffer(
    bytes: Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI")
      .flatMap { try? Data(contentsOf: $0) } ?? Data())
  table.add([
    .get(APIPaths.metrics) { _, _ -> Response in
      Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    },
    .get(APIPaths.health, access: .open) { _, _ in Health(status: "ok", source: engine.sourceInfo, jobStatus: engine.status) },
    .get(APIPaths.openAPI, access: .open) { _, _ -> Response in
      Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: openAPI))
    },
  ])
  table.add(dashboard.endpoints())
  return table
}

func buildRouter(
  engine: BatchEngine,
  history: any JobHistory,
  configuration: ServerConfiguration,
  metrics: PrometheusCollectorRegistry,
  dashboard: DashboardFiles,
  guard requestGuard: RequestGuard
) -> Router<APIRequestContext> {
  let router = Router(context: APIRequestContext.self, options: .autoGenerateHeadEndpoints)
  router.add(middleware: ErrorMiddleware())
  let table: RouteTable<APIRequestContext> = routeTable(
    engine: engine, history: history, configuration: configuration, metrics: metrics, dashboard: dashboard)
  table.register(on: router, guard: requestGuard)
  return router
}

struct Health: ResponseEncodable {
  var status: String
  var source: SourceInfo
  var jobStatus: JobStatus

  enum CodingKeys: String, CodingKey {
    case status, source
    case jobStatus = "job_status"
  }
}
