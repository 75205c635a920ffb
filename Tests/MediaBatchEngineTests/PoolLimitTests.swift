import Testing

@testable import MediaBatchEngine

@Suite("Pool limit")
struct PoolLimitTests {
  @Test("a rate-limit answer halves the pool once per burst; quiet successes grow it back to the bound")
  func halvesAndRecovers() {
    let start = ContinuousClock.now
    let pool = PoolLimit(maximum: 32, quietPeriod: .seconds(5))
    pool.rateLimited(now: start)
    pool.rateLimited(now: start + .milliseconds(10))
    #expect(pool.current == 16)
    pool.rateLimited(now: start + .seconds(2))
    #expect(pool.current == 8)
    for _ in 0..<100 { pool.succeeded(now: start + .seconds(3)) }
    #expect(pool.current == 8)
    var successes = 0
    while pool.current < 32, successes < 10_000 {
      pool.succeeded(now: start + .seconds(10))
      successes += 1
    }
    #expect(pool.current == 32)
    #expect(successes == (8..<32).reduce(0, +))
  }

  @Test("the pool never drops below one download")
  func neverBelowOne() {
    let start = ContinuousClock.now
    let pool = PoolLimit(maximum: 4)
    for second in 0..<10 { pool.rateLimited(now: start + .seconds(second)) }
    #expect(pool.current == 1)
  }
}
