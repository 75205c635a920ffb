import Testing

@testable import MediaBatchEngine

@Suite("Pool limit", .timeLimit(.minutes(15)))
struct PoolLimitTests {
  @Test("scattered 429s among many good answers leave the pool alone")
  func scatteredRateLimitsAreIgnored() {
    let start = ContinuousClock.now
    let pool = PoolLimit(maximum: 32)
    for round in 0..<20 {
      for _ in 0..<9 { pool.answered(now: start + .seconds(round)) }
      pool.rateLimited(now: start + .seconds(round))
    }
    #expect(pool.current == 32)
  }

  @Test("a burst of 429s halves the pool once a second; when they stop, it grows back within a few rounds")
  func burstsCutAndQuietRegrows() {
    let start = ContinuousClock.now
    let pool = PoolLimit(maximum: 32, quietPeriod: .seconds(2))
    for _ in 0..<10 { pool.rateLimited(now: start) }
    #expect(pool.current == 16)
    for _ in 0..<10 { pool.rateLimited(now: start + .milliseconds(1_500)) }
    #expect(pool.current == 8)
    // Still within the quiet period: no growth.
    for _ in 0..<100 { pool.answered(now: start + .seconds(3)) }
    #expect(pool.current == 8)
    // Quiet: back to the bound in a handful of answers per step.
    var answers = 0
    while pool.current < 32, answers < 1_000 {
      pool.answered(now: start + .seconds(10))
      answers += 1
    }
    #expect(pool.current == 32)
    #expect(answers < 40)
  }

  @Test("the pool never drops below one download")
  func neverBelowOne() {
    let start = ContinuousClock.now
    let pool = PoolLimit(maximum: 4)
    for second in 0..<10 {
      for _ in 0..<5 { pool.rateLimited(now: start + .seconds(second)) }
    }
    #expect(pool.current == 1)
  }
}
