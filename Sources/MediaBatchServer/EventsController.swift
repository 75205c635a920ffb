import AsyncAlgorithms
import Foundation
import HTTPTypes
import Hummingbird
import MediaBatchCore
import MediaBatchEngine
import ServiceLifecycle

/// `GET /batch-process-events`: the engine's events as Server-Sent Events, to at most `slots.capacity` clients at once.
struct EventsController<Context: RequestContext>: Sendable {
  let engine: BatchEngine
  let slots: EventStreamSlots
  /// How often an idle stream sends a comment, so proxies keep it open and a client that has gone is noticed.
  let heartbeat: Duration
  /// A stream that has carried no event for this long ends; `EventSource` reconnects by itself.
  let idleTimeout: Duration

  var endpoints: [Endpoint<Context>] {
    [.get(APIPaths.events, access: .tokenOrQueryParameter, stream)]
  }

  private enum Outbound: Sendable {
    case envelope(EventEnvelope)
    case heartbeat
    /// The engine's events ended (it is shutting down).
    case end
  }

  @Sendable func stream(_ request: Request, context: Context) async throws -> Response {
    guard let slot = slots.take() else {
      throw APIError(
        .serviceUnavailable, code: "too_many_event_streams",
        message: "\(slots.capacity) event streams are open already; try again shortly, or poll GET \(APIPaths.status)",
        headers: [.retryAfter: "5"])
    }
    let engine = self.engine
    let heartbeat = self.heartbeat
    let idleTimeout = self.idleTimeout
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream; charset=utf-8"
    headers[.cacheControl] = "no-cache"
    if let name = HTTPField.Name("X-Accel-Buffering") { headers[name] = "no" }
    return Response(
      status: .ok,
      headers: headers,
      // The slot is released when this body is gone: written to the end, failed, or never written (a HEAD request).
      body: ResponseBody { [slot] writer in
        defer { slot.release() }
        do {
          // Subscribe before taking the first snapshot, so nothing falls between the two.
          let events = engine.events.subscribe(bufferSize: 64)
          try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
          try await writer.write(ByteBuffer(bytes: SSEFormat.encode(.progress(engine.snapshot()), sequence: nil)))
          // The job's events and a heartbeat, until the client goes, the stream idles out or the server shuts down.
          let heartbeats = AsyncTimerSequence(interval: heartbeat, clock: ContinuousClock()).map { _ in Outbound.heartbeat }
          let job = chain(events.map { Outbound.envelope($0) }, [Outbound.end].async)
          let outbound = merge(job, heartbeats).cancelOnGracefulShutdown()
          var lastEvent = ContinuousClock.now
          streaming: for try await item in outbound {
            switch item {
            case .envelope(let envelope):
              lastEvent = .now
              try await writer.write(ByteBuffer(bytes: SSEFormat.encode(envelope.event, sequence: envelope.sequence)))
            case .heartbeat:
              // A write to a client that has gone fails, which ends the stream.
              try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
            case .end:
              break streaming
            }
            if ContinuousClock.now - lastEvent >= idleTimeout { break }
          }
          try await writer.finish(nil)
        }
      }
    )
  }
}

/// `APIJSON` under the name the event encoder had.
private struct SSEEncoder {
  func encode(_ value: some Encodable) throws -> Data { try APIJSON.encode(value) }
}

/// The wire form of one event: `id:`, `event:` and a single `data:` line of JSON.
enum SSEFormat {
  static func encode(_ event: JobEvent, sequence: UInt64?) -> [UInt8] {
    let encoder = SSEEncoder()
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
