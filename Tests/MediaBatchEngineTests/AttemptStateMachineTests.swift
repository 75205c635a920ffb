import MediaBatchCore
import Testing
import Toolbox

@testable import MediaBatchEngine

@Suite("Attempt state machine", .timeLimit(.minutes(15)))
struct AttemptStateMachineTests {
  static let policy = RetryPolicy(maximumAttempts: 4, initialDelay: .seconds(1), maximumDelay: .seconds(8), maximumChecksumAttempts: 3)
  static let timeout = ItemError(.network, "timed out")

  /// Runs `failures` through a fresh machine, one attempt each, and returns the decisions.
  static func decisions(_ failures: [DownloadFailure], seed: UInt64 = 1) -> [AttemptStateMachine.Decision] {
    var machine = AttemptStateMachine(retry: policy)
    var random = SplitMix64(seed: seed)
    return failures.map { failure in
      machine.attemptStarted()
      return machine.failed(failure, using: &random)
    }
  }

  @Test("a transient failure waits a jittered backoff and resumes; the last allowed attempt gives the item up")
  func transientFailures() {
    let failure = DownloadFailure.retryable(Self.timeout, retryAfter: nil, canResume: true)
    let decisions = Self.decisions(Array(repeating: failure, count: 4))
    for (index, decision) in decisions.prefix(3).enumerated() {
      guard case .retry(let delay, let resume) = decision.action else {
        Issue.record("attempt \(index + 1): \(decision.action)")
        continue
      }
      #expect(resume)
      #expect(delay >= .zero && delay <= Self.policy.backoff.ceiling(afterAttempt: index + 1))
      #expect(decision.signal == .answered)
    }
    #expect(decisions.last == .init(action: .fail(Self.timeout), signal: .answered))
    // The same seed, the same waits: the randomness is the caller's.
    #expect(Self.decisions(Array(repeating: failure, count: 3), seed: 9) == Self.decisions(Array(repeating: failure, count: 3), seed: 9))
  }

  @Test("a server's Retry-After is waited out, and a rate limit tells the pool to slow down")
  func retryAfterAndRateLimits() {
    let limited = DownloadFailure.retryable(ItemError(.rateLimited, "429"), retryAfter: .seconds(5), canResume: true, isRateLimit: true)
    #expect(Self.decisions([limited]) == [.init(action: .retry(after: .seconds(5), resume: true), signal: .rateLimited)])
  }

  @Test("an object that changed starts over from the first byte")
  func restart() {
    let changed = DownloadFailure.retryable(ItemError(.notFound, "generation gone"), retryAfter: .seconds(2), canResume: false)
    #expect(Self.decisions([changed]).first?.action == .retry(after: .seconds(2), resume: false))
  }

  @Test("bytes that fail their checksum are fetched again at once, three times in all, whatever attempts remain")
  func checksumFailures() {
    let mismatch = ItemError(.checksumMismatch, "crc32c differs")
    let decisions = Self.decisions(Array(repeating: .checksum(mismatch), count: 3))
    #expect(decisions.map(\.action) == [.retryNow, .retryNow, .fail(mismatch)])
    #expect(decisions.allSatisfy { $0.signal == .answered })
    // A checksum failure after transient ones still counts against the attempts.
    let transient = DownloadFailure.retryable(Self.timeout, retryAfter: nil, canResume: true)
    #expect(Self.decisions([transient, transient, transient, .checksum(mismatch)]).last?.action == .fail(mismatch))
  }

  @Test("a permanent failure ends the item at once; a stop cancels it without a word to the pool")
  func permanentAndCancelled() {
    let missing = ItemError(.notFound, "no such object")
    #expect(Self.decisions([.permanent(missing)]) == [.init(action: .fail(missing), signal: .answered)])
    #expect(Self.decisions([.cancelled]) == [.init(action: .cancel, signal: nil)])
  }

  @Test("errors are classified: a store's retryable error keeps its delay and resumability, anything unknown is a resumable network failure")
  func classification() {
    let store = StoreError(.serverError, "503", .restart(retryAfter: .seconds(3)))
    guard case .retryable(let error, let retryAfter, let canResume, let isRateLimit) = DownloadFailure(store) else {
      Issue.record("a retryable store error was not retryable")
      return
    }
    #expect(error.code == .serverError && retryAfter == .seconds(3) && !canResume && !isRateLimit)
    guard case .retryable(let unknown, nil, true, false) = DownloadFailure(TestError()) else {
      Issue.record("an unknown error was not a resumable network failure")
      return
    }
    #expect(unknown.code == .network)
    guard case .cancelled = DownloadFailure(CancellationError()) else {
      Issue.record("cancellation was not cancelled")
      return
    }
    guard case .permanent(let denied) = DownloadFailure(StoreError(.permissionDenied, "403")) else {
      Issue.record("a store error that is not retryable was retried")
      return
    }
    #expect(denied.code == .permissionDenied)
    guard case .retryable(_, .seconds(1)?, true, true) = DownloadFailure(StoreError(.rateLimited, "429", .rateLimited(retryAfter: .seconds(1)))) else {
      Issue.record("a rate limit was not a resumable, pool-slowing retry")
      return
    }
  }

  struct TestError: Error {}
}
