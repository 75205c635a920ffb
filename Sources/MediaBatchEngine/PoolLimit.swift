import Synchronization

/// How many downloads may run at once right now. It starts at the configured bound; when the store answers "too many
/// requests" it halves (at most once a second, so one burst of 429s is one cut), and after a quiet period it grows
/// back by one for every round of successes: additive increase, multiplicative decrease.
final class PoolLimit: Sendable {
  private struct State {
    var current: Int
    var lastCut: ContinuousClock.Instant?
    var successes = 0
  }

  let maximum: Int
  /// Time after a cut during which the limit does not grow.
  let quietPeriod: Duration
  private let state: Mutex<State>

  init(maximum: Int, quietPeriod: Duration = .seconds(5)) {
    self.maximum = max(1, maximum)
    self.quietPeriod = quietPeriod
    self.state = Mutex(State(current: max(1, maximum)))
  }

  var current: Int { state.withLock { $0.current } }

  func rateLimited(now: ContinuousClock.Instant = .now) {
    state.withLock { state in
      if let lastCut = state.lastCut, now - lastCut < .seconds(1) { return }
      state.current = max(1, state.current / 2)
      state.lastCut = now
      state.successes = 0
    }
  }

  func succeeded(now: ContinuousClock.Instant = .now) {
    state.withLock { state in
      guard state.current < maximum else { return }
      if let lastCut = state.lastCut, now - lastCut < quietPeriod { return }
      state.successes += 1
      if state.successes >= state.current {
        state.current += 1
        state.successes = 0
      }
    }
  }
}
