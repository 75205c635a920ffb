import DequeModule
import Synchronization

/// A single-producer, single-consumer queue with a fixed capacity: the producer waits when it is full, the consumer
/// when it is empty. The job lists users through one, so listing runs ahead of the downloads by at most `capacity`
/// users and never holds more.
final class BoundedBuffer<Element: Sendable>: Sendable {
  private struct State {
    var items = Deque<Element>()
    var finished = false
    var failure: (any Error)?
    var waitingConsumer: CheckedContinuation<Void, Never>?
    var waitingProducer: CheckedContinuation<Void, Never>?
  }

  let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int) {
    self.capacity = max(1, capacity)
  }

  /// Appends, waiting while the buffer is full. Throws `CancellationError` when the producing task is cancelled.
  func send(_ element: Element) async throws {
    while true {
      try Task.checkCancellation()
      let (accepted, consumer) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
        guard state.items.count < capacity else { return (false, nil) }
        state.items.append(element)
        defer { state.waitingConsumer = nil }
        return (true, state.waitingConsumer)
      }
      if accepted {
        consumer?.resume()
        return
      }
      await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
          let resumeNow = state.withLock { state in
            if state.items.count < capacity || Task.isCancelled { return true }
            state.waitingProducer = continuation
            return false
          }
          if resumeNow { continuation.resume() }
        }
      } onCancel: {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
          defer { state.waitingProducer = nil }
          return state.waitingProducer
        }?.resume()
      }
    }
  }

  /// Ends the stream; the consumer sees the remaining elements, then `nil` (or `failure`, thrown).
  func finish(throwing failure: (any Error)? = nil) {
    state.withLock { state -> CheckedContinuation<Void, Never>? in
      state.finished = true
      state.failure = failure
      defer { state.waitingConsumer = nil }
      return state.waitingConsumer
    }?.resume()
  }

  /// The next element, waiting while the buffer is empty; `nil` once it is finished and drained.
  func next() async throws -> Element? {
    while true {
      let (element, done, producer) = state.withLock { state -> (Element?, Bool, CheckedContinuation<Void, Never>?) in
        if let element = state.items.popFirst() {
          defer { state.waitingProducer = nil }
          return (element, false, state.waitingProducer)
        }
        return (nil, state.finished, nil)
      }
      if let element {
        producer?.resume()
        return element
      }
      if done {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        return nil
      }
      try Task.checkCancellation()
      await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
          let resumeNow = state.withLock { state in
            if !state.items.isEmpty || state.finished || Task.isCancelled { return true }
            state.waitingConsumer = continuation
            return false
          }
          if resumeNow { continuation.resume() }
        }
      } onCancel: {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
          defer { state.waitingConsumer = nil }
          return state.waitingConsumer
        }?.resume()
      }
    }
  }
}
