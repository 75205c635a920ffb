import Foundation
import MediaBatchCore
import MediaBatchTesting
import Testing
import Toolbox

@testable import MediaBatchEngine

@Suite("Sliced downloads", .timeLimit(.minutes(15)))
struct SlicedDownloadTests {
  private static let object = "u0/images/0"
  private static let size = 3_000_000

  /// One user with one large object (its metadata declares its size), fetched in slices of at least 500,000 bytes.
  private static func harness(
    _ store: ScriptedStore, declaredSize: Int64? = Int64(size)
  ) throws -> EngineHarness<ListSource, ScriptedStore> {
    var user = SourceUser.make(id: "u0", items: 1)
    user.items[0].declaredSize = declaredSize
    var settings = JobSettings()
    settings.slicing = Slicing(threshold: 1_000_000, maximumSlices: 4, minimumSliceSize: 500_000)
    settings.retry = RetryPolicy(initialDelay: .milliseconds(1), maximumDelay: .milliseconds(5))
    return try EngineHarness(source: ListSource([user]), store: store, settings: settings)
  }

  private static func store(faults: [ScriptedStore.Fault] = [], generation: String = "7") -> ScriptedStore {
    ScriptedStore(objects: [object: .init(bytes: ScriptedStore.bytes(for: object, count: size), generation: generation, faults: faults)])
  }

  @Test("a large object is fetched as slices side by side, each pinned to the generation, into one verified file")
  func slicesMakeOneFile() async throws {
    let harness = try Self.harness(Self.store())
    defer { harness.directory.remove() }

    #expect(try await harness.runJob().finalStatus == .completed)

    let requests = harness.store.requests.sorted { $0.offset < $1.offset }
    #expect(requests == [0, 750_000, 1_500_000, 2_250_000].map { .init(object: Self.object, offset: $0, generation: "7") })
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 1)
    let item = try #require(report.manifests.first?.items.first)
    #expect(item.crc32c == CRC32C.hex(CRC32C.checksum(try #require(harness.store.expectedBytes(Self.object)))))
    #expect(item.generation == "7" && item.size == Int64(Self.size) && item.status == .downloaded)
    #expect(harness.engine.snapshot().downloadedBytes == Int64(Self.size))
  }

  @Test("a slice whose connection drops continues from where it stopped, with a range of what is left")
  func droppedSliceResumes() async throws {
    let harness = try Self.harness(Self.store(faults: [.dropAfter(bytes: 100_000)]))
    defer { harness.directory.remove() }

    #expect(try await harness.runJob().finalStatus == .completed)

    let offsets = harness.store.requests.map(\.offset).sorted()
    #expect(offsets.count == 5, "\(offsets)")
    // The dropped slice asked again from 100,000 bytes past its start; every slice started once.
    #expect(Set(offsets).isSuperset(of: [0, 750_000, 1_500_000, 2_250_000]))
    let resumed = try #require(Set(offsets).subtracting([0, 750_000, 1_500_000, 2_250_000]).first)
    #expect([0, 750_000, 1_500_000, 2_250_000].map { $0 + 100_000 }.contains(resumed))
    let report = try ExportVerifier(root: harness.outputRoot).verify { harness.store.expectedBytes($0.object) }
    #expect(report.problems.isEmpty && report.verifiedFiles == 1)
    #expect(harness.engine.snapshot().downloadedBytes == Int64(Self.size))
  }

  @Test("slices that do not add up to the declared CRC32C give the object to one stream, which fails it as corrupt")
  func corruptSlicesFallBack() async throws {
    let store = ScriptedStore(objects: [
      Self.object: .init(bytes: ScriptedStore.bytes(for: Self.object, count: Self.size), declaredCRC32C: 0xDEAD_BEEF)
    ])
    let harness = try Self.harness(store)
    defer { harness.directory.remove() }

    #expect(try await harness.runJob().finalStatus == .completedWithErrors)

    let snapshot = harness.engine.snapshot()
    #expect(snapshot.failedFiles == 1 && snapshot.downloadedBytes == 0)
    #expect(snapshot.errorCounts[ItemError.Code.checksumMismatch.rawValue] == 1)
    // Four slices, then the single stream's own attempts from the first byte.
    #expect(harness.store.requests.filter { $0.offset == 0 }.count >= 2)
    let folder = harness.outputRoot + "/u0_example_com/images"
    #expect((try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty ?? true, "no file, partial or final, is left")
  }

  @Test("an object whose metadata declares no size, or a size under the threshold, is fetched as one stream")
  func smallOrUndeclaredIsOneStream() async throws {
    for declared in [nil, Int64(500_000)] {
      let harness = try Self.harness(Self.store(), declaredSize: declared)
      defer { harness.directory.remove() }
      #expect(try await harness.runJob().finalStatus == .completed)
      #expect(harness.store.requests == [.init(object: Self.object, offset: 0, generation: nil)])
    }
  }

  @Test("slices cover the object exactly, at most the maximum, none under the minimum but the last")
  func sliceRanges() {
    let slicing = Slicing(threshold: 64 << 20, maximumSlices: 8, minimumSliceSize: 8 << 20)
    #expect(slicing.slices(of: 10) == [0..<10])
    #expect(slicing.slices(of: (64 << 20) - 1).count == 1)
    let sizes: [Int64] = [64 << 20, (64 << 20) + 1, 100_000_001, 1 << 34]
    for size in sizes {
      let slices = slicing.slices(of: size)
      #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == size)
      #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
      let minimum: Int64 = 8 << 20
      #expect(slices.count <= 8 && slices.dropLast().allSatisfy { Int64($0.count) >= minimum })
    }
    #expect(Slicing(threshold: 1_000_000, maximumSlices: 4, minimumSliceSize: 500_000).slices(of: 3_000_000).map(\.lowerBound) == [0, 750_000, 1_500_000, 2_250_000])
  }
}
