import Foundation
import HTTPTypes
import Hummingbird
import MediaBatchCore
import MediaBatchEngine
import ServiceLifecycle

/// `GET /batch-process-events`: the engine's events as Server-Sent Events.
struct EventsController<Context: RequestContext>: Sendable {
  let engine: BatchEngine
  /// How often an idle stream sends a comment, so proxies keep it open and a gone client is noticed.
  var keepAliveInterval: Duration = .seconds(15)

  func register(on router: Router<Context>) {
    router.get(RouterPath(APIPaths.events), use: stream)
  }

  private enum Outbound: Sendable {
    case envelope(EventEnvelope)
    case keepAlive
  }

  @Sendable func stream(_ request: Request, context: Context) async throws -> Response {
    let engine = self.engine
    let interval = keepAliveInterval
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream; charset=utf-8"
    headers[.cacheControl] = "no-cache"
    if let name = HTTPField.Name("X-Accel-Buffering") { headers[name] = "no" }
    return Response(
      status: .ok,
      headers: headers,
      body: ResponseBody { writer in
        // Subscribe before taking the first snapshot, so nothing falls between the two.
        let events = engine.events.subscribe()
        try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
        try await writer.write(ByteBuffer(bytes: SSEFormat.encode(.progress(engine.snapshot()), sequence: nil)))
        let (outbound, continuation) = AsyncStream.makeStream(of: Outbound.self, bufferingPolicy: .bufferingNewest(1_024))
        try await withGracefulShutdownHandler {
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
              for await envelope in events { continuation.yield(.envelope(envelope)) }
              continuation.finish()
            }
            group.addTask {
              while true {
                try await Task.sleep(for: interval)
                continuation.yield(.keepAlive)
              }
            }
            for await item in outbound {
              switch item {
              case .envelope(let envelope):
                try await writer.write(ByteBuffer(bytes: SSEFormat.encode(envelope.event, sequence: envelope.sequence)))
              case .keepAlive:
                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
              }
            }
            group.cancelAll()
          }
        } onGracefulShutdown: {
          continuation.finish()
        }
        try await writer.finish(nil)
      }
    )
  }
}

/// The wire form of one event: `id:`, `event:` and a single `data:` line of JSON.
enum SSEFormat {
  static func encode(_ event: JobEvent, sequence: UInt64?) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let name: String
    let data: Data?
    switch event {
    case .progress(let snapshot):
      name = "snapshot"
      data = try? encoder.encode(snapshot)
    case .state(let jobId, let status):
      name = "job"
      data = try? encoder.encode(["job_id": jobId, "status": status.rawValue])
    case .userFinished(_, let result):
      name = "user"
      data = try? encoder.encode(result)
    case .itemFailed(_, let record):
      name = "item_failed"
      data = try? encoder.encode(record)
    }
    var text = ""
    if let sequence { text += "id: \(sequence)\n" }
    text += "event: \(name)\n"
    // JSONEncoder never emits raw newlines, so the payload is one data line.
    text += "data: " + (data.flatMap { String(data: $0, encoding: .utf8) } ?? "{}") + "\n\n"
    return Array(text.utf8)
  }
}
