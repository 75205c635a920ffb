import MediaBatchCore
import MediaBatchTesting
import Testing

@Suite("Test support", .timeLimit(.minutes(15)))
struct TestSupportTests {
  @Test("the scripted store plays its faults in order, then serves the object, honouring offsets")
  func scriptedFaults() async throws {
    let bytes = ScriptedStore.bytes(for: "x", count: 600)
    let store = ScriptedStore(objects: [
      "x": .init(bytes: bytes, faults: [.fail(StoreError(.serverError, "503", .transient())), .dropAfter(bytes: 10)])
    ])
    let location = ObjectLocation(bucket: "test", object: "x")
    await #expect(throws: StoreError.self) { try await store.open(location, offset: 0, generation: nil) }
    let dropped = try await store.open(location, offset: 0, generation: nil)
    var received: [UInt8] = []
    await #expect(throws: (any Error).self) {
      for try await chunk in dropped.body { received += chunk }
    }
    #expect(received == Array(bytes.prefix(10)))
    let rest = try await store.open(location, offset: 10, generation: "1")
    for try await chunk in rest.body { received += chunk }
    #expect(received == bytes)
    #expect(store.requests.map(\.offset) == [0, 0, 10])
    await #expect(throws: StoreError.self) { try await store.open(location, offset: 0, generation: "2") }
  }

  @Test("the gated store holds requests until released and counts how many were held at once")
  func gatedStore() async throws {
    let store = GatedStore(objectSize: 8)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for n in 0..<3 {
        group.addTask { _ = try await store.open(ObjectLocation(bucket: "b", object: "\(n)"), offset: 0, generation: nil) }
      }
      var opened = store.opened.makeAsyncIterator()
      for _ in 0..<3 { _ = await opened.next() }
      #expect(store.maximumInFlight == 3)
      store.release(3)
      try await group.waitForAll()
    }
    #expect(store.inFlight == 0)
  }

  @Test("a cancelled request held by the gated store ends at once with CancellationError")
  func gatedStoreCancellation() async throws {
    let store = GatedStore()
    let task = Task { try await store.open(ObjectLocation(bucket: "b", object: "o"), offset: 0, generation: nil) }
    var opened = store.opened.makeAsyncIterator()
    _ = await opened.next()
    task.cancel()
    await #expect(throws: CancellationError.self) { _ = try await task.value }
  }
}
