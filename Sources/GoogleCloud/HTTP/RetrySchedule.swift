import Toolbox

/// How a Google API call is tried again: up to `maximumAttempts` in all, waiting by `backoff` between them (by
/// default the schedule of Google's own clients for reads: ×1.6 from 100 ms, capped at 20 s, full jitter).
struct RetrySchedule: Sendable {
  var maximumAttempts = 8
  var backoff = Backoff(initialDelay: .milliseconds(100), multiplier: 1.6, maximumDelay: .seconds(20))

  /// Runs `operation` until it succeeds, fails with an error that is not worth retrying, or runs out of attempts.
  func run<T: Sendable>(
    isRetryable: (any Error) -> Bool,
    retryAfter: (any Error) -> Duration? = { _ in nil },
    using random: inout some RandomNumberGenerator,
    _ operation: () async throws -> T
  ) async throws -> T {
    var attempt = 0
    while true {
      attempt += 1
      do {
        return try await operation()
      } catch {
        guard attempt < maximumAttempts, isRetryable(error), !(error is CancellationError) else { throw error }
        try await Task.sleep(for: backoff.delay(afterAttempt: attempt, retryAfter: retryAfter(error), using: &random))
      }
    }
  }

  /// The same with the system's generator.
  func run<T: Sendable>(
    isRetryable: (any Error) -> Bool,
    retryAfter: (any Error) -> Duration? = { _ in nil },
    _ operation: () async throws -> T
  ) async throws -> T {
    var random = SystemRandomNumberGenerator()
    return try await run(isRetryable: isRetryable, retryAfter: retryAfter, using: &random, operation)
  }
}
