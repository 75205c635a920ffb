import Testing

@testable import MediaBatchEngine

@Suite("Bounded buffer", .timeLimit(.minutes(15)))
struct BoundedBufferTests {
  @Test("elements come out in order, the producer never runs more than the capacity ahead, and the end is seen")
  func orderAndBackpressure() async throws {
    let buffer = BoundedBuffer<Int>(capacity: 3)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for n in 0..<1_000 { try await buffer.send(n) }
        buffer.finish()
      }
      var received: [Int] = []
      while let n = try await buffer.next() { received.append(n) }
      #expect(received == Array(0..<1_000))
      try await group.waitForAll()
    }
  }

  @Test("a failure of the producer reaches the consumer after the elements sent before it")
  func failurePropagates() async throws {
    struct Broken: Error {}
    let buffer = BoundedBuffer<Int>(capacity: 4)
    try await buffer.send(1)
    buffer.finish(throwing: Broken())
    #expect(try await buffer.next() == 1)
    await #expect(throws: Broken.self) { try await buffer.next() }
  }

  @Test("a producer waiting on a full buffer ends when cancelled")
  func cancelledProducer() async throws {
    let buffer = BoundedBuffer<Int>(capacity: 1)
    try await buffer.send(0)
    await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await buffer.send(1) }
      group.cancelAll()
      await #expect(throws: CancellationError.self) { try await group.next() }
    }
  }
}
