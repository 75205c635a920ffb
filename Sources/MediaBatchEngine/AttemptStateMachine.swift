import MediaBatchCore

/// The attempts of one item's download, as a pure value: given how an attempt failed, what to do next. It counts the
/// attempts and the checksum failures and draws the backoff; the downloader carries the actions out (the partial file,
/// the pool, the wait), so every rule of the retry loop can be tested without a store or a clock.
struct AttemptStateMachine {
  /// What the downloader does after a failed attempt.
  enum Action: Equatable {
    /// Try again at once, from the first byte: the bytes failed their checksum.
    case retryNow
    /// Wait `delay`, then try again; `resume` keeps the bytes fetched so far (the next request asks for the rest).
    case retry(after: Duration, resume: Bool)
    /// Give the item up with this error; the bytes fetched so far are thrown away.
    case fail(ItemError)
    /// The job is stopping; the bytes fetched so far are thrown away.
    case cancel
  }

  /// What the failure says about the store, for the pool's size: it answered, or it asked us to slow down.
  enum StoreSignal: Equatable {
    case answered
    case rateLimited
  }

  struct Decision: Equatable {
    var action: Action
    var signal: StoreSignal?
  }

  let retry: RetryPolicy
  /// Attempts started so far.
  private(set) var attempts = 0
  private(set) var checksumFailures = 0

  init(retry: RetryPolicy) {
    self.retry = retry
  }

  mutating func attemptStarted() {
    attempts += 1
  }

  /// The attempt that started last failed with `failure`.
  mutating func failed(_ failure: DownloadFailure, using random: inout some RandomNumberGenerator) -> Decision {
    switch failure {
    case .cancelled:
      return Decision(action: .cancel, signal: nil)
    case .checksum(let error):
      // Corruption at rest does not heal by retrying: a few fetches in all, not as many as a transient failure gets.
      checksumFailures += 1
      let again = checksumFailures < retry.maximumChecksumAttempts && attempts < retry.maximumAttempts
      return Decision(action: again ? .retryNow : .fail(error), signal: .answered)
    case .retryable(let error, let retryAfter, let canResume, let isRateLimit):
      let signal: StoreSignal = isRateLimit ? .rateLimited : .answered
      guard attempts < retry.maximumAttempts else { return Decision(action: .fail(error), signal: signal) }
      let delay = retry.delay(afterAttempt: attempts, retryAfter: retryAfter, using: &random)
      return Decision(action: .retry(after: delay, resume: canResume), signal: signal)
    case .permanent(let error):
      return Decision(action: .fail(error), signal: .answered)
    }
  }
}
