import Synchronization

/// A one-shot flag that a job's tasks can check and await: set once, by a stop request or a shutdown. A second,
/// stronger level, `abandon()`, says not to wait for the grace period either.
public final class StopSignal: Sendable {
  private let stopped = Level()
  private let abandoned = Level()

  public init() {}

  public var isStopped: Bool { stopped.isSet }
  public var isAbandoned: Bool { abandoned.isSet }

  public func stop() { stopped.set() }

  /// Stops, and gives items in flight no more time: they are cancelled at once.
  public func abandon() {
    stopped.set()
    abandoned.set()
  }

  /// Returns once the job is stopped, or when the calling task is cancelled.
  public func wait() async { await stopped.wait() }

  /// Returns once the job is abandoned, or when the calling task is cancelled.
  public func waitUntilAbandoned() async { await abandoned.wait() }
}

/// One flag that can be set once and awaited.
private final class Level: Sendable {
  private struct State {
    var isSet = false
    var nextWaiter = 0
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
  }

  private let state = Mutex(State())

  var isSet: Bool { state.withLock { $0.isSet } }

  func set() {
    let waiters = state.withLock { state in
      state.isSet = true
      defer { state.waiters.removeAll() }
      return Array(state.waiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  func wait() async {
    let id = state.withLock { state in
      defer { state.nextWaiter += 1 }
      return state.nextWaiter
    }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumeNow = state.withLock { state in
          if state.isSet || Task.isCancelled { return true }
          state.waiters[id] = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
      waiter?.resume()
    }
  }
}
