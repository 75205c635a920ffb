/// Waits between attempts of a Google API call: exponential with full jitter, as Google's clients do for reads.
struct Backoff: Sendable {
  var maximumAttempts = 8
  var initialDelay: Duration = .milliseconds(100)
  var multiplier = 1.6
  var maximumDelay: Duration = .seconds(20)

  func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration {
    var ceiling = initialDelay
    for _ in 1..<max(1, attempt) { ceiling = min(maximumDelay, ceiling * multiplier) }
    let jittered = ceiling * Double.random(in: 0...1)
    return max(jittered, min(retryAfter ?? .zero, maximumDelay))
  }

  /// Runs `operation` until it succeeds, fails with an error that is not worth retrying, or runs out of attempts.
  func run<T: Sendable>(
    isRetryable: (any Error) -> Bool,
    retryAfter: (any Error) -> Duration? = { _ in nil },
    _ operation: () async throws -> T
  ) async throws -> T {
    var attempt = 0
    while true {
      attempt += 1
      do {
        return try await operation()
      } catch {
        guard attempt < maximumAttempts, isRetryable(error), !(error is CancellationError) else { throw error }
        try await Task.sleep(for: delay(afterAttempt: attempt, retryAfter: retryAfter(error)))
      }
    }
  }
}
