import MediaBatchCore
import MediaBatchEngine
import Testing

@Suite("Event hub", .timeLimit(.minutes(15)))
struct EventHubTests {
  @Test("a subscriber that does not read never blocks the publisher; it keeps the newest events")
  func slowSubscribersDoNotBlock() async {
    let hub = EventHub()
    let stream = hub.subscribe(bufferSize: 2)
    for _ in 0..<1_000 { hub.publish(.state(jobId: "j", status: .processing)) }
    hub.finishAll()
    var received: [UInt64] = []
    for await envelope in stream { received.append(envelope.sequence) }
    #expect(received == [999, 1_000])
  }

  @Test("every subscriber sees every event in the same order")
  func subscribersSeeTheSameOrder() async {
    let hub = EventHub()
    let first = hub.subscribe()
    let second = hub.subscribe()
    for index in 0..<50 { hub.publish(.state(jobId: "\(index)", status: .processing)) }
    hub.finishAll()
    var a: [UInt64] = []
    var b: [UInt64] = []
    for await envelope in first { a.append(envelope.sequence) }
    for await envelope in second { b.append(envelope.sequence) }
    #expect(a == Array(1...50))
    #expect(a == b)
    #expect(hub.subscriberCount == 0)
  }
}
