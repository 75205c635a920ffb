import Foundation
import MediaBatchCore
import MediaBatchDemo
import MediaBatchEngine
import MediaBatchTesting
import Testing

@Suite("Batch engine", .timeLimit(.minutes(15)))
struct BatchEngineTests {
  static let fastRetries = RetryPolicy(maximumAttempts: 4, initialDelay: .zero, maximumDelay: .zero)

  @Test("the download pool never exceeds its bound, and stays full while there is work")
  func poolBound() async throws {
    // setup
    let store = GatedStore()
    let users = (0..<5).map { SourceUser.make(id: "u\($0)", items: 6) }
    let harness = try EngineHarness(source: ListSource(users), store: store, settings: JobSettings(concurrency: 4))
    defer { harness.directory.remove() }

    // act
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { _ = try await harness.runJob() }
      var opened = store.opened.makeAsyncIterator()
      for _ in 0..<4 { _ = await opened.next() }
      #expect(store.inFlight == 4)
      for _ in 4..<30 {
        store.release(1)
        _ = await opened.next()
        #expect(store.maximumInFlight == 4)
      }
      store.releaseAll()
      try await group.waitForAll()
    }

    // check
    #expect(store.maximumInFlight == 4)
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.status == .completed)
    #expect(snapshot.downloadedFiles == 30)
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.verifiedFiles == 30 && report.problems.isEmpty && report.unlistedFiles.isEmpty)
  }

  @Test("failing items fail alone: the batch goes on, transient faults are retried and resumed")
  func failuresAreIsolated() async throws {
    // setup
    let store = ScriptedStore(objects: [
      "u1/images/2": .init(bytes: [], faults: [.fail(StoreError(.notFound, "gone"))]),
      "u2/images/0": .init(
        bytes: ScriptedStore.bytes(for: "a", count: 3_000), faults: [.fail(StoreError(.serverError, "503", .transient()))]),
      "u3/images/1": .init(bytes: ScriptedStore.bytes(for: "b", count: 5_000), faults: [.dropAfter(bytes: 1_234)]),
      "u4/images/0": .init(bytes: ScriptedStore.bytes(for: "c", count: 2_000), faults: [.corrupt, .corrupt, .corrupt]),
    ])
    let users = (0..<6).map { SourceUser.make(id: "u\($0)", items: 3) }
    let harness = try EngineHarness(source: ListSource(users), store: store, settings: JobSettings(concurrency: 3, retry: Self.fastRetries))
    defer { harness.directory.remove() }

    // act
    let events = try await harness.runJob()

    // check
    #expect(events.finalStatus == .completedWithErrors)
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.failedFiles == 2)
    #expect(snapshot.downloadedFiles == 16)
    #expect(snapshot.errorCounts == ["not_found": 1, "checksum_mismatch": 1])
    let resumed = store.requests.filter { $0.object == "u3/images/1" }
    #expect(resumed.map(\.offset) == [0, 1_234])
    #expect(resumed.last?.generation == "1")
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedBytes($0.object) }
    #expect(report.verifiedFiles == 16)
    #expect(report.problems.isEmpty)
    #expect(report.unlistedFiles.isEmpty)
    let u4 = try #require(report.manifests.first { $0.userId == "u4" })
    let corrupt = try #require(u4.items.first { $0.id == "u4-0" })
    #expect(corrupt.status == .failed && corrupt.error?.code == .checksumMismatch && corrupt.attempts == 3)
    let u2 = try #require(report.manifests.first { $0.userId == "u2" })
    #expect(u2.items.first { $0.id == "u2-0" }?.attempts == 2)
    #expect(snapshot.downloadedBytes == snapshot.totalBytes)
  }

  @Test("a resume the store answers from byte 0 restarts the file; one that declares no hashes is checked against the first")
  func resumeEdgeCases() async throws {
    // setup
    let whole = ScriptedStore.bytes(for: "w", count: 4_000)
    let store = ScriptedStore(objects: [
      "u0/images/0": .init(bytes: whole, faults: [.dropAfter(bytes: 1_000)], honoursRange: false),
      "u0/images/1": .init(bytes: whole, faults: [.dropAfter(bytes: 1_500)], hashesOnRangedResponses: false),
      "u0/images/2": .init(bytes: whole, faults: [.dropAfter(bytes: 2_000), .corrupt], hashesOnRangedResponses: false),
    ])
    let harness = try EngineHarness(
      source: ListSource([SourceUser.make(id: "u0", items: 3)]), store: store, settings: JobSettings(retry: Self.fastRetries)
    )
    defer { harness.directory.remove() }

    // act
    _ = try await harness.runJob()

    // check
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty)
    let items = try #require(report.manifests.first?.items)
    #expect(items.map(\.status) == [.downloaded, .downloaded, .downloaded])
    #expect(items.map(\.attempts) == [2, 2, 3])
    #expect(harness.engine.snapshot().downloadedBytes == 12_000)
  }

  @Test("a rerun skips every file that is complete and unchanged; it fetches exactly the changed, damaged and deleted ones")
  func rerunsSkipUnchangedFiles() async throws {
    // setup
    let store = ScriptedStore()
    let users = (0..<4).map { SourceUser.make(id: "u\($0)", items: 5) }
    let harness = try EngineHarness(source: ListSource(users), store: store)
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    #expect(store.requests.count == 20)

    // act: an unchanged rerun
    var rerun = try harness.restarted()
    let unchanged = try await rerun.runJob()

    // check
    #expect(unchanged.finalStatus == .completed)
    #expect(store.requests.count == 20)
    var snapshot = rerun.engine.snapshot()
    #expect(snapshot.skippedFiles == 20 && snapshot.downloadedFiles == 0 && snapshot.downloadedBytes == 0)

    // act: one object replaced, one file damaged, one deleted
    store.replace("u1/images/2", with: .init(bytes: ScriptedStore.bytes(for: "new", count: 700), generation: "2"))
    let root = harness.outputRoot
    try Data("damaged".utf8).write(to: URL(fileURLWithPath: root + "/u2_example_com/images/file-0.bin"))
    try FileManager.default.removeItem(atPath: root + "/u3_example_com/images/file-4.bin")
    rerun = try harness.restarted()
    _ = try await rerun.runJob()

    // check
    #expect(store.requests.dropFirst(20).map(\.object).sorted() == ["u1/images/2", "u2/images/0", "u3/images/4"])
    snapshot = rerun.engine.snapshot()
    #expect(snapshot.skippedFiles == 17 && snapshot.downloadedFiles == 3)
    let report = try ExportVerifier(root: root).verify { store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 20)
    let u1 = try #require(report.manifests.first { $0.userId == "u1" })
    #expect(u1.items.first { $0.id == "u1-2" }?.generation == "2")
  }

  @Test("stop is graceful: items in flight finish, the rest are cancelled, nothing half-written remains")
  func stopLetsItemsInFlightFinish() async throws {
    // setup
    let store = GatedStore()
    let users = (0..<3).map { SourceUser.make(id: "u\($0)", items: 10) }
    let settings = JobSettings(concurrency: 3, stopGracePeriod: .seconds(600))
    let harness = try EngineHarness(source: ListSource(users), store: store, settings: settings)
    defer { harness.directory.remove() }

    // act
    let events = try await withThrowingTaskGroup(of: [EventEnvelope].self) { group in
      group.addTask { try await harness.runJob() }
      var opened = store.opened.makeAsyncIterator()
      for _ in 0..<3 { _ = await opened.next() }
      #expect(harness.engine.stop() != .notRunning)
      #expect(harness.engine.status == .stopping)
      store.releaseAll()
      return try await group.next() ?? []
    }

    // check
    #expect(events.finalStatus == .stopped)
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.downloadedFiles == 3)
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.verifiedFiles == 3 && report.problems.isEmpty && report.unlistedFiles.isEmpty)
    let statuses = report.manifests.flatMap(\.items).map(\.status)
    #expect(statuses.filter { $0 == .cancelled }.count == 7)
    #expect(report.manifests.allSatisfy { $0.status == .stopped })
  }

  @Test("after the grace period, items still in flight are abandoned cleanly")
  func stopAbandonsStuckItems() async throws {
    // setup
    let store = GatedStore()
    let settings = JobSettings(concurrency: 2, stopGracePeriod: .zero)
    let harness = try EngineHarness(source: ListSource([SourceUser.make(id: "u0", items: 5)]), store: store, settings: settings)
    defer { harness.directory.remove() }

    // act: the store never answers, so only abandoning can end the job
    let events = try await withThrowingTaskGroup(of: [EventEnvelope].self) { group in
      group.addTask { try await harness.runJob() }
      var opened = store.opened.makeAsyncIterator()
      for _ in 0..<2 { _ = await opened.next() }
      harness.engine.stop()
      return try await group.next() ?? []
    }

    // check
    #expect(events.finalStatus == .stopped)
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.verifiedFiles == 0 && report.unlistedFiles.isEmpty)
    #expect(report.manifests.first?.items.map(\.status) == Array(repeating: .cancelled, count: 5))
  }

  @Test("events arrive in order: numbered one by one, each user's failures before the user, the final state last")
  func eventsArriveInOrder() async throws {
    // setup
    let catalog = DemoCatalog(userCount: 12, includesEdgeCases: true)
    let harness = try EngineHarness(
      source: DemoSource(catalog: catalog), store: DemoStore(catalog: catalog),
      settings: JobSettings(concurrency: 5, retry: Self.fastRetries)
    )
    defer { harness.directory.remove() }

    // act
    let events = try await harness.runJob()

    // check
    let sequences = events.map(\.sequence)
    #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 + 1 })
    var finishedUsers: Set<String> = []
    for envelope in events {
      switch envelope.event {
      case .itemFailed(_, let record):
        #expect(!finishedUsers.contains(record.userId), "an item of \(record.userId) failed after the user finished")
      case .userFinished(_, let result):
        #expect(finishedUsers.insert(result.userId).inserted, "\(result.userId) finished twice")
      default: break
      }
    }
    #expect(finishedUsers.count == catalog.totalUsers)
    guard case .state(_, .completedWithErrors) = events.last?.event else {
      Issue.record("the last event is not the final state: \(String(describing: events.last))")
      return
    }
  }

  @Test("a demo export with edge cases: every good file verified byte for byte, every bad one a coded error, nothing outside the root")
  func demoExportWithEdgeCases() async throws {
    // setup
    let catalog = DemoCatalog(userCount: 15, includesEdgeCases: true)
    let store = DemoStore(catalog: catalog)
    let harness = try EngineHarness(source: DemoSource(catalog: catalog), store: store, settings: JobSettings(retry: Self.fastRetries))
    defer { harness.directory.remove() }

    // act
    _ = try await harness.runJob()

    // check
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty)
    #expect(report.unlistedFiles.isEmpty)
    let failures = report.manifests.flatMap(\.items).filter { $0.status == .failed }.compactMap(\.error?.code)
    #expect(failures.sorted() == [.checksumMismatch, .invalidMetadata, .metadataMissing, .notFound])
    #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.path) == ["out"])
    let edge = try #require(report.manifests.first { $0.userId == "edge-hostile-names" })
    let paths = edge.items.compactMap(\.localPath)
    #expect(Set(paths).count == paths.count)
    #expect(edge.items.filter { $0.id == "hostile-traversal" }.count == 1)
    #expect(paths.contains("images/passwd") && paths.contains("images/c") && paths.contains("images/hostile-empty.png"))
    let folders = report.manifests.map(\.folder)
    #expect(folders.contains("twin_user_example_com") && folders.contains { $0.hasPrefix("twin_user_example_com-") })
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.processedFiles == snapshot.totalFiles)
    #expect(snapshot.downloadedBytes == snapshot.totalBytes)
    #expect(snapshot.processedUsers == catalog.totalUsers)
  }

  @Test("a file where a folder belongs fails that folder's items with unsafe_path; other folders go on")
  func unwritableFolderFailsOnlyItsItems() async throws {
    // setup: a file where the images folder should be
    let user = SourceUser(
      id: "u0", email: "u0@example.com",
      items: SourceUser.make(id: "u0", items: 2).items + SourceUser.make(id: "u0", items: 2, kind: .voices).items
    )
    let harness = try EngineHarness(source: ListSource([user]), store: ScriptedStore())
    defer { harness.directory.remove() }
    try FileManager.default.createDirectory(atPath: harness.outputRoot + "/u0_example_com", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: harness.outputRoot + "/u0_example_com/images", contents: Data())

    // act
    let events = try await harness.runJob()

    // check
    #expect(events.finalStatus == .completedWithErrors)
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.errorCounts == ["unsafe_path": 2])
    #expect(snapshot.downloadedFiles == 2)
  }

  @Test("a dry run plans every file and writes nothing")
  func dryRunWritesNothing() async throws {
    let catalog = DemoCatalog(userCount: 10, includesEdgeCases: false)
    let harness = try EngineHarness(source: DemoSource(catalog: catalog), store: DemoStore(catalog: catalog), inMemory: true)
    defer { harness.directory.remove() }
    var settings = harness.engine.defaults
    settings.dryRun = true

    let events = try await harness.runJob(settings)

    #expect(events.finalStatus == .completed)
    #expect(!FileManager.default.fileExists(atPath: harness.outputRoot))
    let planned = (0..<10).reduce(0) { $0 + catalog.user(at: $1).items.count }
    #expect(harness.engine.snapshot().downloadedFiles == planned)
  }

  @Test("a second job cannot start while one runs")
  func oneJobAtATime() async throws {
    let store = GatedStore()
    let harness = try EngineHarness(source: ListSource([SourceUser.make(id: "u0", items: 2)]), store: store)
    defer { harness.directory.remove() }
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { _ = try await harness.runJob() }
      var opened = store.opened.makeAsyncIterator()
      _ = await opened.next()
      #expect(throws: BatchEngine.StartError.self) { try harness.engine.start(JobSettings()) }
      store.releaseAll()
      try await group.waitForAll()
    }
  }
}
