import Foundation
import MediaBatchCore
import MediaBatchEngine
import MediaBatchJobStore
import MediaBatchTesting
import Testing
import Toolbox

@Suite("Resuming and retrying", .timeLimit(.minutes(15)))
struct ResumeTests {
  /// One user with one 300,000-byte object, and where its file goes.
  private static let user = SourceUser.make(id: "u0", items: 1)
  private static let object = "u0/images/0"
  private static let folder = "u0_example_com"
  private static let relativePath = "images/file-0.bin"

  private static func bigStore(generation: String = "7") -> ScriptedStore {
    ScriptedStore(objects: [object: .init(bytes: ScriptedStore.bytes(for: object, count: 300_000), generation: generation)])
  }

  /// Leaves what a killed job leaves: the first `count` bytes in the partial file, and the job store's record of it.
  private static func leavePartial(_ harness: EngineHarness<ListSource, ScriptedStore>, count: Int, generation: String) async throws {
    let bytes = try #require(harness.store.expectedBytes(object))
    let directory = harness.outputRoot + "/" + folder + "/images"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(bytes.prefix(count)).write(to: URL(fileURLWithPath: directory + "/file-0.bin.partial"))
    var info = ObjectInfo(size: Int64(bytes.count), generation: generation, crc32c: CRC32C.checksum(bytes))
    info.contentType = "application/octet-stream"
    harness.jobStore.transferStarted(
      PartialTransfer(jobId: "killed", folder: folder, relativePath: relativePath, location: ObjectLocation(bucket: "test", object: object), info: info)
    )
    try await harness.jobStore.checkpoint(JobSummary(jobId: "killed", status: .processing, source: ListSource([]).info, dryRun: false, startedAt: Date()))
  }

  @Test("a partial file an earlier job left is resumed with a range request pinned to its generation")
  func partialFileIsResumed() async throws {
    let harness = try EngineHarness(source: ListSource([Self.user]), store: Self.bigStore())
    defer { harness.directory.remove() }
    try await Self.leavePartial(harness, count: 120_000, generation: "7")

    let events = try await harness.runJob()

    #expect(events.finalStatus == .completed)
    #expect(harness.store.requests == [.init(object: Self.object, offset: 120_000, generation: "7")])
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 1)
    #expect(report.manifests.first?.items.first?.resumedFrom == 120_000)
    let job = try #require(try await harness.jobStore.latestJob())
    let items = try await harness.jobStore.items(ofJob: job.jobId).elements
    #expect(items.map(\.outcome.resumedFrom) == [120_000])
    #expect(harness.engine.snapshot().downloadedBytes == 300_000)
  }

  @Test("a partial file of an older generation is deleted and the object fetched from its first byte")
  func partialFileOfAnotherGenerationIsDiscarded() async throws {
    let harness = try EngineHarness(source: ListSource([Self.user]), store: Self.bigStore(generation: "8"))
    defer { harness.directory.remove() }
    try await Self.leavePartial(harness, count: 120_000, generation: "7")

    let events = try await harness.runJob()

    #expect(events.finalStatus == .completed)
    #expect(harness.store.requests == [.init(object: Self.object, offset: 0, generation: nil)])
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 1)
    #expect(report.manifests.first?.items.first?.resumedFrom == nil)
  }

  @Test("a complete file nothing recorded (its job died first) is checked against the store and kept, not fetched again")
  func unrecordedCompleteFilesAreKept() async throws {
    let store = ScriptedStore()
    let users = (0..<3).map { SourceUser.make(id: "u\($0)", items: 4) }
    let harness = try EngineHarness(source: ListSource(users), store: store)
    defer { harness.directory.remove() }
    _ = try await harness.runJob()
    #expect(store.requests.count == 12)
    // Forget every record: the job store and the manifests.
    try FileManager.default.removeItem(atPath: harness.outputRoot + "/.mediabatch")
    for user in 0..<3 { try FileManager.default.removeItem(atPath: harness.outputRoot + "/u\(user)_example_com/manifest.json") }
    // And damage one file: it must be fetched again.
    try Data(repeating: 0, count: 1_000).write(to: URL(fileURLWithPath: harness.outputRoot + "/u1_example_com/images/file-2.bin"))

    let rerun = try harness.restarted()
    let events = try await rerun.runJob()

    #expect(events.finalStatus == .completed)
    #expect(store.requests.dropFirst(12).map(\.object) == ["u1/images/2"])
    let snapshot = rerun.engine.snapshot()
    #expect(snapshot.skippedFiles == 11 && snapshot.downloadedFiles == 1)
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 12)
  }

  @Test("--retry-failed fetches only the failed items of the job it names; the users' other files are kept and listed")
  func retryFailedFetchesOnlyFailures() async throws {
    let missing = StoreError(.notFound, "object not found")
    let store = ScriptedStore(objects: [
      "u1/images/1": .init(bytes: ScriptedStore.bytes(for: "a", count: 500), faults: [.fail(missing)]),
      "u3/images/0": .init(bytes: ScriptedStore.bytes(for: "b", count: 500), faults: [.fail(missing)]),
    ])
    let users = (0..<4).map { SourceUser.make(id: "u\($0)", items: 3) }
    let harness = try EngineHarness(source: ListSource(users), store: store)
    defer { harness.directory.remove() }
    let first = try await harness.runJob()
    #expect(first.finalStatus == .completedWithErrors)
    let failedJob = try #require(try await harness.jobStore.latestJob())
    #expect(failedJob.failedFiles == 2)
    #expect(try await harness.jobStore.users(ofJob: failedJob.jobId, errorCode: .notFound).elements.map(\.userId) == ["u1", "u3"])

    let rerun = try harness.restarted()
    var settings = rerun.engine.defaults
    settings.retryFailedOf = failedJob.jobId
    let retry = try await rerun.runJob(settings)

    #expect(retry.finalStatus == .completed)
    #expect(store.requests.dropFirst(12).map(\.object).sorted() == ["u1/images/1", "u3/images/0"])
    let snapshot = rerun.engine.snapshot()
    #expect(snapshot.totalUsers == 2 && snapshot.downloadedFiles == 2 && snapshot.skippedFiles == 4)
    let report = try ExportVerifier(root: harness.outputRoot).verify { store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 12)
    let retried = try #require(try await rerun.jobStore.latestJob())
    #expect(retried.settings?.retryFailedOf == failedJob.jobId)
    #expect(await rerun.jobStore.failedItems(ofJob: retried.jobId).isEmpty)
  }
}
