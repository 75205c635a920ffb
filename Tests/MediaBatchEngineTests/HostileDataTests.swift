import Foundation
import MediaBatchCore
import MediaBatchEngine
import MediaBatchTesting
import Testing

/// Data a Firebase project should never hold, and a job that must survive it: one bad value fails one item.
@Suite("Hostile data")
struct HostileDataTests {
  @Test("a declared size of Int64.max, or below zero, fails its item as invalid_metadata; the job and its totals go on")
  func impossibleSizesFailTheirItemOnly() async throws {
    // setup
    var user = SourceUser.make(id: "u1", items: 4)
    user.items[0].declaredSize = .max
    user.items[1].declaredSize = -1
    user.items[2].declaredSize = MediaItem.maximumSize + 1
    let other = SourceUser.make(id: "u2", items: 2)
    let store = ScriptedStore(objects: [:])
    var harness = try EngineHarness(source: ListSource([user, other]), store: store)
    defer { harness.directory.remove() }

    // act: twice, as a rerun would
    for run in 0..<2 {
      if run > 0 { harness = try harness.restarted() }
      let events = try await harness.runJob()

      // check
      #expect(events.finalStatus == .completedWithErrors)
      let snapshot = harness.engine.snapshot()
      #expect(snapshot.failedFiles == 3)
      #expect(snapshot.errorCounts == ["invalid_metadata": 3])
      #expect(snapshot.totalBytes >= 0 && snapshot.totalBytes < MediaItem.maximumSize)
      #expect(snapshot.processedUsers == 2)
    }
  }
}
