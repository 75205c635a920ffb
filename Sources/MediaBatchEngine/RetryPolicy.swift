public import Toolbox

/// When and how long to wait before trying an item again: exponential backoff with full jitter.
public struct RetryPolicy: Sendable, Hashable {
  /// When a download that still moves is given up as stalled and tried again: fewer than `minimumBytesPerSecond` on
  /// average over `window`. (A download that receives nothing at all is ended sooner by the HTTP client's read
  /// timeout, 30 s.)
  public struct StallRule: Sendable, Hashable {
    public var window: Duration
    public var minimumBytesPerSecond: Int64

    public init(window: Duration = .seconds(60), minimumBytesPerSecond: Int64 = 1_024) {
      self.window = window
      self.minimumBytesPerSecond = minimumBytesPerSecond
    }
  }

  public var stall = StallRule()
  /// Attempts in all, the first included.
  public var maximumAttempts: Int
  /// The waits between attempts: doubling from one second, capped at 32 s, full jitter.
  public var backoff: Backoff
  /// Bytes that fail their checksum are fetched again this many times in all, not more: corruption at rest does not
  /// heal by retrying.
  public var maximumChecksumAttempts: Int

  public init(
    maximumAttempts: Int = 6, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(32), maximumChecksumAttempts: Int = 3
  ) {
    self.maximumAttempts = max(1, maximumAttempts)
    self.backoff = Backoff(initialDelay: initialDelay, multiplier: 2, maximumDelay: maximumDelay)
    self.maximumChecksumAttempts = max(1, maximumChecksumAttempts)
  }

  public static let `default` = RetryPolicy()

  /// The wait before attempt `attempt + 1`: uniform in [0, min(cap, initial × 2^(attempt−1))], or what the server
  /// asked for when it said, whichever is longer.
  public func delay(afterAttempt attempt: Int, retryAfter: Duration?, using rng: inout some RandomNumberGenerator) -> Duration {
    backoff.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &rng)
  }
}
