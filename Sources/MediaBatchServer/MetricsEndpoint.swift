public import Hummingbird
public import Logging
import NIOCore
public import Prometheus

/// The metrics factory every MediaBatch process records into: Prometheus, with histogram buckets that fit what each
/// duration measures (an item of a large object may take minutes; an API call, milliseconds).
public func makeMetricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
  var factory = PrometheusMetricsFactory(registry: registry)
  let quick: [Duration] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000].map { .milliseconds($0) }
  factory.durationHistogramBuckets = [
    "mediabatch_item_duration_seconds": quick + [60, 120, 300, 600, 1_800].map { .seconds($0) },
    "mediabatch_time_to_first_byte_seconds": quick,
    "mediabatch_google_api_request_duration_seconds": quick + [60, 120, 300].map { .seconds($0) },
  ]
  return factory
}

/// `GET /metrics` alone, for `mediabatch run --metrics-port`: Prometheus can scrape a batch job while it runs. Behind
/// `token` when one is given (a bearer token, as for the API); every other path is 404.
public func buildMetricsApplication(
  registry: PrometheusCollectorRegistry,
  host: String,
  port: Int,
  token: String?,
  logger: Logger,
  onServerRunning: @escaping @Sendable (_ port: Int) async -> Void
) -> some ApplicationProtocol {
  let router = Router(context: BasicRequestContext.self)
  let expected = token.map { Array($0.utf8) }
  router.get(RouterPath(APIPaths.metrics)) { request, _ -> Response in
    if let expected {
      let presented = request.headers[.authorization].flatMap { value -> String? in
        value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)) : nil
      }
      guard let presented, RequestGuard.constantTimeEquals(Array(presented.utf8), expected) else {
        return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
      }
    }
    return Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
  }
  return Application(
    router: router,
    configuration: .init(address: .hostname(host, port: port), serverName: "MediaBatch"),
    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
    logger: logger
  )
}
