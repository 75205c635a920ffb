import Testing
import Toolbox

@Suite("Backoff", .timeLimit(.minutes(15)))
struct BackoffTests {
  @Test("the ceiling grows by the multiplier from the initial delay and stops at the cap")
  func ceilings() {
    let doubling = Backoff(initialDelay: .seconds(1), maximumDelay: .seconds(32))
    #expect((0...8).map { doubling.ceiling(afterAttempt: $0) } == [1, 1, 2, 4, 8, 16, 32, 32, 32].map { Duration.seconds($0) })
    let google = Backoff(initialDelay: .milliseconds(100), multiplier: 1.6, maximumDelay: .seconds(20))
    #expect(google.ceiling(afterAttempt: 3) == .milliseconds(100) * 1.6 * 1.6)
    #expect(google.ceiling(afterAttempt: 100) == .seconds(20))
    #expect(Backoff(initialDelay: .seconds(5), maximumDelay: .seconds(1)).ceiling(afterAttempt: 1) == .seconds(1))
  }

  @Test("a delay is drawn from [0, ceiling] by the caller's generator: the same seed gives the same waits")
  func fullJitterFromTheGivenGenerator() {
    let backoff = Backoff(initialDelay: .seconds(1), maximumDelay: .seconds(32))
    var first = SplitMix64(seed: 42)
    var second = SplitMix64(seed: 42)
    let waits = (1...6).map { backoff.delay(afterAttempt: $0, using: &first) }
    #expect(waits == (1...6).map { backoff.delay(afterAttempt: $0, using: &second) })
    for (attempt, wait) in zip(1..., waits) {
      #expect(wait >= .zero && wait <= backoff.ceiling(afterAttempt: attempt))
    }
    var random = SplitMix64(seed: 7)
    let many = (0..<2_000).map { _ in backoff.delay(afterAttempt: 6, using: &random) }
    // Spread over the whole range, not bunched at one end.
    #expect(many.contains { $0 < .seconds(4) } && many.contains { $0 > .seconds(28) })
  }

  @Test("a server's Retry-After is honoured when longer than the jittered wait, but never beyond the cap")
  func retryAfter() {
    let backoff = Backoff(initialDelay: .milliseconds(10), maximumDelay: .seconds(8))
    var random = SplitMix64(seed: 1)
    #expect(backoff.delay(afterAttempt: 1, retryAfter: .seconds(3), using: &random) == .seconds(3))
    #expect(backoff.delay(afterAttempt: 1, retryAfter: .seconds(3_600), using: &random) == .seconds(8))
  }
}
