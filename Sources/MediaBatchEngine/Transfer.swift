import Crypto
import MediaBatchCore
import Toolbox

/// The state of one item's bytes across attempts: the partial file, how much of it is good, and running checksums.
///
/// Its bytes count in the job's progress from the moment they are written (or found, resuming) until they are thrown
/// away or the item is done: the transfer adds and takes them back itself, through one `InFlightBytes`.
struct Transfer {
  let directory: OpenDirectory
  let partialName: String
  private var counted: InFlightBytes
  var file: WritableFile?
  var written: Int64 = 0
  var generation: String?
  /// What the store declared when this generation's first byte was fetched. A resumed (ranged) response may carry no
  /// hashes, so the first declaration is the one the whole file is checked against.
  var expected: ObjectInfo?
  var crc = CRC32C()
  var md5: Insecure.MD5?

  init(directory: OpenDirectory, partialName: String, progress: ProgressTracker) {
    self.directory = directory
    self.partialName = partialName
    self.counted = InFlightBytes(progress: progress)
  }

  /// The bytes are the item's for good (it is done): they stay in the progress count.
  mutating func commit() {
    counted.commit()
  }

  /// Takes the bytes not committed back out of the progress count (the item failed or stopped), keeping the file.
  mutating func rollback() {
    counted.rollback()
  }

  var md5Hex: String? { md5.map { Array($0.finalize()).hexString } }

  /// Opens the partial file: appended to when the response continues the same generation where the file ends,
  /// fresh otherwise. Returns how many bytes already written were thrown away.
  mutating func begin(with response: MediaResponse) throws -> Int64 {
    let info = response.info
    if written > 0, response.bodyOffset == written, info.generation == generation {
      if file == nil { file = try directory.appendToFile(partialName) }
      if var expected {
        expected.crc32c = expected.crc32c ?? info.crc32c
        expected.md5 = expected.md5 ?? info.md5
        expected.size = expected.size ?? info.size
        self.expected = expected
      }
      return 0
    }
    guard response.bodyOffset == 0 else {
      throw StoreError(.storeError, "the store answered from byte \(response.bodyOffset), not \(written)", .restart())
    }
    let discarded = written
    try? file?.close()
    counted.rollback()
    written = 0
    crc = CRC32C()
    file = try directory.createFile(partialName)
    generation = info.generation
    expected = info
    // MD5 costs more than CRC32C; compute it only when the store gives no CRC32C with the bytes (its metadata may
    // then have only an MD5).
    md5 = info.crc32c == nil ? Insecure.MD5() : nil
    return discarded
  }

  mutating func append(_ chunk: [UInt8]) throws {
    // A body longer than the object the store declares is refused as it arrives, not written to the end.
    let limit = expected?.size ?? MediaItem.maximumSize
    guard written + Int64(chunk.count) <= limit else {
      throw ChecksumFailure(
        ItemError(.checksumMismatch, "the store sent more than the \(limit) bytes it declares for this object; the download was cut off"))
    }
    try chunk.withUnsafeBytes { buffer in
      crc.update(buffer)
      md5?.update(bufferPointer: buffer)
      try file?.write(buffer)
    }
    written += Int64(chunk.count)
    counted.add(Int64(chunk.count))
  }

  func verify(against info: ObjectInfo, location: ObjectLocation) throws {
    if let size = info.size, written < size {
      throw StoreError(.truncated, "got \(written) of \(size) bytes of \(location)", .transient())
    }
    if let size = info.size, written > size {
      throw ChecksumFailure(ItemError(.checksumMismatch, "got \(written) bytes of \(location), which declares \(size)"))
    }
    if let expected = info.crc32c, expected != crc.value {
      throw ChecksumFailure(
        ItemError(
          .checksumMismatch,
          "CRC32C of \(location) is \(CRC32C.hex(crc.value)), the store declares \(CRC32C.hex(expected))"
        )
      )
    }
    if info.crc32c == nil, let expected = info.md5, let md5, Array(md5.finalize()) != expected {
      throw ChecksumFailure(ItemError(.checksumMismatch, "MD5 of \(location) does not match the store's"))
    }
  }

  /// Closes the partial file and hands it to the placer, which renames it into place after the next flush; returns
  /// its size and modification time (a rename keeps both).
  mutating func finish(placing finalName: String) throws -> (FileStamp?, Placer.Placement) {
    let stamp = file?.stamp()
    try file?.close()
    file = nil
    return (stamp, .init(directory: directory, partialName: partialName, finalName: finalName))
  }

  /// Decompresses the verified partial file into the final one (through a second partial file), then removes it.
  mutating func finish(decompressingTo finalName: String) throws -> (result: Gunzip.Result, placement: Placer.Placement) {
    try file?.close()
    file = nil
    let plainPartial = finalName + ".gunzip" + NameSanitizer.partialSuffix
    do {
      let result = try Gunzip.file(partialName, to: plainPartial, in: directory)
      directory.remove(partialName)
      return (result, .init(directory: directory, partialName: plainPartial, finalName: finalName))
    } catch let error as Gunzip.Failure {
      directory.remove(plainPartial)
      throw StoreError(.storeError, "the object is stored with Content-Encoding gzip, but \(error.description)")
    } catch {
      directory.remove(plainPartial)
      throw error
    }
  }

  /// Continues from a partial file on disk: its bytes are read to restore the running checksums; the next request
  /// asks for the rest of `info`'s generation. False when the file is missing, empty or not shorter than the object.
  mutating func resume(_ info: ObjectInfo) -> Bool {
    let needsMD5 = info.crc32c == nil
    guard let prefix = FileOperations.checksum(partialName, in: directory, md5: needsMD5), prefix.size > 0,
      prefix.size < (info.size ?? .max)
    else {
      return false
    }
    written = prefix.size
    counted.add(prefix.size)
    generation = info.generation
    expected = info
    crc = CRC32C(resumingFrom: prefix.crc32c)
    md5 = prefix.md5
    file = nil
    return true
  }

  /// Deletes the partial file and takes its bytes back out of the progress count.
  mutating func discard() {
    try? file?.close()
    file = nil
    directory.remove(partialName)
    counted.rollback()
    written = 0
    generation = nil
    expected = nil
    crc = CRC32C()
  }
}

/// Bytes counted in the job's progress before the item they belong to is done: added as they arrive, committed when
/// the item is, taken back otherwise. The one place a download's byte count changes.
struct InFlightBytes {
  let progress: ProgressTracker
  private(set) var uncommitted: Int64 = 0

  init(progress: ProgressTracker) {
    self.progress = progress
  }

  mutating func add(_ bytes: Int64) {
    progress.bytesStreamed(bytes)
    uncommitted += bytes
  }

  mutating func commit() {
    uncommitted = 0
  }

  mutating func rollback() {
    if uncommitted != 0 { progress.bytesStreamed(-uncommitted) }
    uncommitted = 0
  }
}
