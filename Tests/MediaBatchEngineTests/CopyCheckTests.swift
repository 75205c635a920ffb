import MediaBatchCore
import MediaBatchTesting
import Testing

@testable import MediaBatchEngine

@Suite("Keeping a copy on disk", .timeLimit(.minutes(15)))
struct CopyCheckTests {
  static let item = SourceUser.make(id: "u", items: 1).items[0]
  static let path = "images/file-0.bin"
  static let stamp = FileStamp(size: 10, modified: 1_000)

  static func record(path: String = path, location: ObjectLocation? = item.location, generation: String? = "7", size: Int64? = 10)
    -> ItemOutcome
  {
    ItemOutcome(
      id: item.id, kind: item.kind, status: .downloaded, location: location, generation: generation, localPath: path, size: size,
      crc32c: "0000002a")
  }

  static func decide(_ previous: PreviousCopy, stamp: FileStamp? = stamp) -> CopyCheck {
    CopyCheck.decide(stamp: stamp, previous: previous, item: item, relativePath: path)
  }

  @Test("no file on disk: fetch; a file no one recorded: check it against the store")
  func noFileOrNoRecord() {
    #expect(Self.decide(PreviousCopy(recorded: .init(outcome: Self.record(), stamp: Self.stamp, recordedByFinishedJob: true)), stamp: nil) == .fetch)
    #expect(Self.decide(.none) == .unrecorded)
    // A manifest entry that says the item failed is no record of a copy.
    var failed = Self.record()
    failed.status = .failed
    #expect(Self.decide(PreviousCopy(manifest: failed)) == .unrecorded)
  }

  @Test("a record of a finished job with the file's stamp unchanged: only the generation is asked, the file is not read")
  func trustedRecord() {
    let recorded = KnownFiles.File(outcome: Self.record(), stamp: Self.stamp, recordedByFinishedJob: true)
    #expect(Self.decide(PreviousCopy(recorded: recorded)) == .recorded(generation: "7", size: 10, crc32c: "0000002a", readFile: false))
  }

  @Test("a record from an interrupted job, a touched file or a manifest: the file is read and checksummed")
  func recordsThatNeedReading() {
    let interrupted = KnownFiles.File(outcome: Self.record(), stamp: Self.stamp, recordedByFinishedJob: false)
    let touched = KnownFiles.File(outcome: Self.record(), stamp: FileStamp(size: 10, modified: 2_000), recordedByFinishedJob: true)
    let read = CopyCheck.recorded(generation: "7", size: 10, crc32c: "0000002a", readFile: true)
    #expect(Self.decide(PreviousCopy(recorded: interrupted)) == read)
    #expect(Self.decide(PreviousCopy(recorded: touched)) == read)
    #expect(Self.decide(PreviousCopy(manifest: Self.record())) == read)
  }

  @Test("a record of another path, another object, no generation or another size: fetch")
  func recordsThatDoNotMatch() {
    for record in [
      Self.record(path: "images/other.bin"), Self.record(location: ObjectLocation(bucket: "test", object: "elsewhere")),
      Self.record(generation: nil), Self.record(size: 11),
    ] {
      #expect(Self.decide(PreviousCopy(recorded: .init(outcome: record, stamp: Self.stamp, recordedByFinishedJob: true))) == .fetch)
    }
  }

  @Test("a partial file is continued only for the same object with a known generation")
  func partials() {
    let info = ObjectInfo(size: 100, generation: "3")
    let same = PartialTransfer(jobId: "j", folder: "u", relativePath: Self.path, location: Self.item.location, info: info)
    #expect(PartialCheck.decide(same, item: Self.item) == .resume(generation: "3"))
    var other = same
    other.location = ObjectLocation(bucket: "test", object: "elsewhere")
    #expect(PartialCheck.decide(other, item: Self.item) == .discard)
    var unknown = same
    unknown.info.generation = nil
    #expect(PartialCheck.decide(unknown, item: Self.item) == .discard)
  }
}
