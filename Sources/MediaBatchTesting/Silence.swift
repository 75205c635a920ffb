import Synchronization

/// Holds a stand-in server's answers until the test releases them: a server that goes silent, without a timer, and
/// without keeping the server's graceful shutdown waiting once the test is done with it.
public final class Silence: Sendable {
  private struct State {
    var released = false
    var waiting: [CheckedContinuation<Void, Never>] = []
  }

  private let state = Mutex(State())

  public init() {}

  public func release() {
    let waiting = state.withLock { state in
      state.released = true
      defer { state.waiting.removeAll() }
      return state.waiting
    }
    for continuation in waiting { continuation.resume() }
  }

  public func wait() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let releasedAlready = state.withLock { state in
        if !state.released { state.waiting.append(continuation) }
        return state.released
      }
      if releasedAlready { continuation.resume() }
    }
  }
}
