import MediaBatchCore
public import MediaBatchEngine

extension EventHub {
  /// Subscribes, runs `action`, and returns every event up to and including the one that ends the job, so a test
  /// waits on the engine's own signal instead of on time.
  public func collectUntilJobEnds(after action: () throws -> Void) async rethrows -> [EventEnvelope] {
    let stream = subscribe(bufferSize: 100_000)
    try action()
    var events: [EventEnvelope] = []
    for await envelope in stream {
      events.append(envelope)
      if case .state(_, let status) = envelope.event, !status.isActive { break }
    }
    return events
  }
}
