/// How long to wait before trying again: exponential growth with full jitter, capped, or what the server asked for
/// when it said (a `Retry-After`), whichever is longer. The one backoff of the downloads and of the Google API calls;
/// the randomness comes from the caller, so a test can make it deterministic.
public struct Backoff: Sendable, Hashable {
  public var initialDelay: Duration
  public var multiplier: Double
  public var maximumDelay: Duration

  public init(initialDelay: Duration, multiplier: Double = 2, maximumDelay: Duration) {
    self.initialDelay = initialDelay
    self.multiplier = max(1, multiplier)
    self.maximumDelay = maximumDelay
  }

  /// The longest wait after attempt `attempt` (1 for the first): `initialDelay × multiplier^(attempt−1)`, capped.
  public func ceiling(afterAttempt attempt: Int) -> Duration {
    var ceiling = min(initialDelay, maximumDelay)
    var step = 1
    while step < attempt, ceiling < maximumDelay {
      ceiling = min(maximumDelay, ceiling * multiplier)
      step += 1
    }
    return ceiling
  }

  /// The wait after attempt `attempt`: uniform in [0, ceiling], or the server's `retryAfter` (capped) when longer.
  public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil, using random: inout some RandomNumberGenerator) -> Duration {
    let jittered = ceiling(afterAttempt: attempt) * Double.random(in: 0...1, using: &random)
    guard let retryAfter else { return jittered }
    return max(jittered, min(retryAfter, maximumDelay))
  }

  /// The same with the system's generator.
  public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
    var random = SystemRandomNumberGenerator()
    return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &random)
  }
}
