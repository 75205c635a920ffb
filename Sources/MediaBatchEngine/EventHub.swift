import Synchronization

/// Fans job events out to any number of subscribers without ever making the publisher wait.
///
/// Each subscriber has its own bounded buffer. One that falls behind loses its oldest events, which it can tell from
/// a gap in the sequence numbers; the engine never slows down for it.
///
/// Two locks, so that no lock a termination handler takes is ever held while calling into the concurrency runtime:
/// `publication` orders events (sequence numbers and yields happen under it, so every subscriber sees the publication
/// order), and `subscribers` guards the table, which a stream's termination handler also changes. A yield can wait
/// for the runtime's lock of the subscriber's task while that task is being cancelled and runs its termination
/// handler; the handler takes only `subscribers`, which no yield is made under, so the two never wait on each other.
public final class EventHub: Sendable {
  private struct Subscribers {
    var next = 0
    var continuations: [Int: AsyncStream<EventEnvelope>.Continuation] = [:]
  }

  private let publication = Mutex<UInt64>(1)
  private let subscribers = Mutex(Subscribers())

  public init() {}

  /// Subscribes to every event published from now on. The stream ends when the subscriber stops iterating.
  public func subscribe(bufferSize: Int = 256) -> AsyncStream<EventEnvelope> {
    let (stream, continuation) = AsyncStream.makeStream(of: EventEnvelope.self, bufferingPolicy: .bufferingNewest(bufferSize))
    let id = subscribers.withLock { table in
      defer { table.next += 1 }
      table.continuations[table.next] = continuation
      return table.next
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
    }
    return stream
  }

  public var subscriberCount: Int { subscribers.withLock { $0.continuations.count } }

  /// Publishes an event to every subscriber; returns its sequence number.
  @discardableResult
  public func publish(_ event: JobEvent) -> UInt64 {
    publication.withLock { nextSequence in
      let envelope = EventEnvelope(sequence: nextSequence, event: event)
      nextSequence += 1
      let continuations = subscribers.withLock { Array($0.continuations.values) }
      for continuation in continuations { continuation.yield(envelope) }
      return envelope.sequence
    }
  }

  /// Ends every subscription, as at shutdown.
  public func finishAll() {
    let continuations = subscribers.withLock { table in
      defer { table.continuations.removeAll() }
      return Array(table.continuations.values)
    }
    for continuation in continuations { continuation.finish() }
  }
}
