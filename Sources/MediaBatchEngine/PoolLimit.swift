import Synchronization

/// How many downloads may run at once right now. It starts at the configured bound and reacts to the *rate* of "too
/// many requests" answers, not to each one: when they are more than a fifth of the recent answers it halves (at most
/// once a second), and once they have stopped for a quiet period it grows back quickly, an eighth of the bound at a
/// time. A few scattered 429s among many good answers (one slow bucket, one hot object) leave it alone.
final class PoolLimit: Sendable {
  private struct State {
    var current: Int
    /// The most recent answers, true for a rate limit; a ring of `window` entries.
    var recent: [Bool] = []
    var next = 0
    var limited = 0
    var lastCut: ContinuousClock.Instant?
    var lastLimited: ContinuousClock.Instant?
    var successes = 0
  }

  let maximum: Int
  /// Time without a rate limit after which the limit grows again.
  let quietPeriod: Duration
  /// How many recent answers the rate is taken over.
  let window: Int
  private let state: Mutex<State>

  init(maximum: Int, quietPeriod: Duration = .seconds(2), window: Int = 50) {
    self.maximum = max(1, maximum)
    self.quietPeriod = quietPeriod
    self.window = max(1, window)
    self.state = Mutex(State(current: max(1, maximum)))
  }

  var current: Int { state.withLock { $0.current } }

  /// The store answered "too many requests".
  func rateLimited(now: ContinuousClock.Instant = .now) {
    state.withLock { state in
      record(true, in: &state)
      state.lastLimited = now
      state.successes = 0
      let answers = state.recent.count
      guard state.limited * 5 > answers, state.limited >= 3 else { return }
      if let lastCut = state.lastCut, now - lastCut < .seconds(1) { return }
      state.current = max(1, state.current / 2)
      state.lastCut = now
    }
  }

  /// The store answered something else: the bytes, or another error.
  func answered(now: ContinuousClock.Instant = .now) {
    state.withLock { state in
      record(false, in: &state)
      guard state.current < maximum else { return }
      if let lastLimited = state.lastLimited, now - lastLimited < quietPeriod { return }
      state.successes += 1
      if state.successes >= max(1, state.current / 4) {
        state.current = min(maximum, state.current + max(1, maximum / 8))
        state.successes = 0
      }
    }
  }

  private func record(_ limited: Bool, in state: inout State) {
    if state.recent.count < window {
      state.recent.append(limited)
    } else {
      if state.recent[state.next] { state.limited -= 1 }
      state.recent[state.next] = limited
      state.next = (state.next + 1) % window
    }
    if limited { state.limited += 1 }
  }
}
