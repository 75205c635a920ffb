public import Synchronization

/// Fans job events out to any number of subscribers without ever making the publisher wait.
///
/// Each subscriber has its own bounded buffer. One that falls behind loses its oldest events, which it can tell from
/// a gap in the sequence numbers; the engine never slows down for it.
public final class EventHub: Sendable {
  private struct State {
    var nextSequence: UInt64 = 1
    var nextSubscriber = 0
    var subscribers: [Int: AsyncStream<EventEnvelope>.Continuation] = [:]
  }

  private let state = Mutex(State())

  public init() {}

  /// Subscribes to every event published from now on. The stream ends when the subscriber stops iterating.
  public func subscribe(bufferSize: Int = 1_024) -> AsyncStream<EventEnvelope> {
    let (stream, continuation) = AsyncStream.makeStream(of: EventEnvelope.self, bufferingPolicy: .bufferingNewest(bufferSize))
    let id = state.withLock { state in
      defer { state.nextSubscriber += 1 }
      state.subscribers[state.nextSubscriber] = continuation
      return state.nextSubscriber
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
    }
    return stream
  }

  public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

  /// Publishes an event to every subscriber; returns its sequence number.
  @discardableResult
  public func publish(_ event: JobEvent) -> UInt64 {
    // Yielding under the lock keeps every subscriber's order the publication order.
    state.withLock { state in
      let envelope = EventEnvelope(sequence: state.nextSequence, event: event)
      state.nextSequence += 1
      for continuation in state.subscribers.values { continuation.yield(envelope) }
      return envelope.sequence
    }
  }

  /// Ends every subscription, as at shutdown.
  public func finishAll() {
    let continuations = state.withLock { state in
      defer { state.subscribers.removeAll() }
      return Array(state.subscribers.values)
    }
    for continuation in continuations { continuation.finish() }
  }
}
