import MediaBatchCore
import Toolbox

/// What earlier jobs left for an item.
struct PreviousCopy: Sendable {
  /// The verified copy the job store records.
  var recorded: KnownFiles.File?
  /// The item's entry in the user's manifest, for a folder the job store has no record of.
  var manifest: ItemOutcome?
  /// A download an earlier job did not finish.
  var partial: PartialTransfer?
  /// The listing that tells the recorded object's current generation, when the user's recorded copies share one.
  var listing: GenerationListing?

  static var none: PreviousCopy { PreviousCopy() }

  /// The record of a complete copy: the job store's, else the manifest's.
  var completed: ItemOutcome? {
    if let recorded { return recorded.outcome }
    guard let manifest, manifest.status == .downloaded || manifest.status == .skipped else { return nil }
    return manifest
  }
}

/// What a file already on disk needs before it can stand for an item without fetching a byte, decided from the facts
/// alone (its stamp, the records, the item); the downloader then asks the store and reads the file as told.
enum CopyCheck: Equatable {
  /// No copy can be kept: fetch the object.
  case fetch
  /// A recorded copy: keep it when the store still reports `generation`; when `readFile`, also when the file's bytes
  /// have `size` and `crc32c` (hex). Not read when the job store recorded it in a job that ended normally and its size
  /// and modification time are unchanged since.
  case recorded(generation: String, size: Int64, crc32c: String, readFile: Bool)
  /// A file no job recorded (its job died first): keep it when its size and CRC32C are those the store declares now.
  case unrecorded

  /// `stamp`: the file at the item's path, if there is one.
  static func decide(
    stamp: FileStamp?, previous: PreviousCopy, item: MediaItem, relativePath: String
  ) -> CopyCheck {
    guard let stamp else { return .fetch }
    guard let record = previous.completed else { return .unrecorded }
    guard record.localPath == relativePath, record.location == item.location, let generation = record.generation,
      let size = record.size, let crc32c = record.crc32c, stamp.size == size
    else { return .fetch }
    let untouched = previous.recorded.map { $0.recordedByFinishedJob && $0.stamp == stamp } ?? false
    return .recorded(generation: generation, size: size, crc32c: crc32c, readFile: !untouched)
  }
}

/// Whether a `.partial` file an earlier job left can be continued: only a download of the same object, whose
/// generation is known (the store is then asked whether the object still has it).
enum PartialCheck: Equatable {
  /// Delete the partial file: it belongs to another object, or its generation is unknown.
  case discard
  /// Continue it when the store still reports `generation`.
  case resume(generation: String)

  static func decide(_ partial: PartialTransfer, item: MediaItem) -> PartialCheck {
    guard partial.location == item.location, let generation = partial.info.generation else { return .discard }
    return .resume(generation: generation)
  }
}
