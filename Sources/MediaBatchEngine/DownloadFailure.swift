import MediaBatchCore

struct ChecksumFailure: Error {
  var error: ItemError
  init(_ error: ItemError) { self.error = error }
}

/// How a failed attempt is handled.
enum DownloadFailure {
  case cancelled
  case checksum(ItemError)
  case retryable(ItemError, retryAfter: Duration?, canResume: Bool, isRateLimit: Bool = false)
  case permanent(ItemError)

  init(_ error: any Error) {
    switch error {
    case is CancellationError:
      self = .cancelled
    case let failure as ChecksumFailure:
      self = .checksum(failure.error)
    case let error as FileSystemError:
      self = .permanent(error.itemError)
    case let error as StoreError:
      let itemError = ItemError(error.code, error.message)
      switch error.treatment {
      case .permanent: self = .permanent(itemError)
      case .transient(let retryAfter): self = .retryable(itemError, retryAfter: retryAfter, canResume: true)
      case .restart(let retryAfter): self = .retryable(itemError, retryAfter: retryAfter, canResume: false)
      case .rateLimited(let retryAfter): self = .retryable(itemError, retryAfter: retryAfter, canResume: true, isRateLimit: true)
      }
    default:
      // An error the store did not classify, such as a dropped connection: transient, and resumable.
      self = .retryable(ItemError(.network, String(describing: error)), retryAfter: nil, canResume: true, isRateLimit: false)
    }
  }
}

/// How fast a body arrives, in windows of the stall rule's length; a window under the rule's rate is a stall.
struct Pace {
  let rule: RetryPolicy.StallRule
  private var windowStart = ContinuousClock.now
  private var bytesInWindow: Int64 = 0

  init(rule: RetryPolicy.StallRule) {
    self.rule = rule
  }

  /// Counts a chunk; returns what went wrong when the window that just ended was too slow.
  mutating func received(_ count: Int64) -> String? {
    bytesInWindow += count
    let elapsed = ContinuousClock.now - windowStart
    guard elapsed >= rule.window else { return nil }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(bytesInWindow) / max(seconds, 0.001)
    defer {
      windowStart = .now
      bytesInWindow = 0
    }
    guard rate < Double(rule.minimumBytesPerSecond) else { return nil }
    return "\(bytesInWindow) bytes in \(Int(seconds.rounded())) s, under \(rule.minimumBytesPerSecond) bytes/s"
  }
}
