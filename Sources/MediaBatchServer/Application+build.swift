public import Hummingbird
public import Logging
import Foundation
import MediaBatchCore
public import MediaBatchEngine
public import MediaBatchJobStore
public import Prometheus

/// Builds the HTTP application around an engine: the composition root that `mediabatch serve` and the tests share.
/// The engine runs as one of the application's services.
public func buildApplication(
  engine: BatchEngine,
  history: SQLiteJobStore,
  configuration: ServerConfiguration,
  metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
  logger: Logger,
  onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws(ServerConfigurationError) -> some ApplicationProtocol {
  try configuration.validate()
  let router = buildRouter(engine: engine, history: history, configuration: configuration, metrics: metrics, dashboard: .bundled())
  return Application(
    router: router,
    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "MediaBatch"),
    services: [engine],
    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
    logger: logger
  )
}

func buildRouter(
  engine: BatchEngine,
  history: SQLiteJobStore,
  configuration: ServerConfiguration,
  metrics: PrometheusCollectorRegistry,
  dashboard: DashboardFiles
) -> Router<BasicRequestContext> {
  let router = Router(context: BasicRequestContext.self)
  router.add(middleware: ErrorMiddleware())
  if let token = configuration.apiToken {
    router.add(middleware: TokenAuthenticator(token: token))
  }
  BatchController(engine: engine, history: history).register(on: router)
  EventsController(engine: engine).register(on: router)
  JobsController(engine: engine, history: history).register(on: router)
  router.get(RouterPath(APIPaths.health)) { _, _ in
    Health(status: "ok", source: engine.sourceInfo, jobStatus: engine.status)
  }
  let openAPI = ByteBuffer(bytes: Bundle.module.url(forResource: "openapi", withExtension: "yaml", subdirectory: "OpenAPI")
    .flatMap { try? Data(contentsOf: $0) } ?? Data())
  router.get(RouterPath(APIPaths.openAPI)) { _, _ -> Response in
    Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: openAPI))
  }
  router.get(RouterPath(APIPaths.metrics)) { _, _ -> Response in
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
  }
  let allowed: [(String, [HTTPRequest.Method])] = [
    (APIPaths.start, [.post]), (APIPaths.stop, [.post]), (APIPaths.status, [.get]), (APIPaths.results, [.get]),
    (APIPaths.events, [.get]), (APIPaths.jobs, [.get]), (APIPaths.jobs + "/:id", [.get]), (APIPaths.jobs + "/:id/users", [.get]),
    (APIPaths.jobs + "/:id/items", [.get]), (APIPaths.health, [.get]),
    (APIPaths.metrics, [.get]), (APIPaths.openAPI, [.get]),
  ]
  for (path, methods) in allowed {
    for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] where !methods.contains(method) {
      router.on(RouterPath(path), method: method) { request, _ -> Response in
        throw APIError.methodNotAllowed(method, request.uri.path, allowed: methods)
      }
    }
  }
  dashboard.register(on: router)
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
