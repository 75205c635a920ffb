import Crypto
import MediaBatchCore
import Synchronization

/// Fetches one item into its final place: streamed to `<name>.partial`, verified, renamed. Every failure ends as an
/// outcome with a stable code; nothing here throws to the caller.
struct ItemDownloader<Store: MediaStore>: Sendable {
  let store: Store
  let retry: RetryPolicy
  let progress: ProgressTracker
  let directories: DirectoryCache
  let pool: PoolLimit

  /// An item's destination, planned by the job before the download starts.
  struct Destination: Sendable {
    var directory: String
    var finalPath: String
    /// Relative to the user's folder, as the manifest records it.
    var relativePath: String
  }

  struct Result: Sendable {
    var outcome: ItemOutcome
    /// The bytes the job's totals counted for this item (declared, or learned on opening).
    var countedBytes: Int64
  }

  /// Downloads the item, unless `previous` (its outcome in the user's manifest from an earlier run) shows the file
  /// on disk is complete and the object has not changed since: then the item is skipped without fetching a byte.
  func download(_ item: MediaItem, to destination: Destination, previous: ItemOutcome? = nil) async -> Result {
    if let previous, let skipped = await unchanged(item, at: destination, previous: previous) {
      return Result(outcome: skipped, countedBytes: item.declaredSize ?? skipped.size ?? 0)
    }
    var outcome = ItemOutcome(
      id: item.id,
      kind: item.kind,
      status: .failed,
      location: item.location,
      localPath: destination.relativePath,
      contentType: item.contentType,
      originalName: item.originalName,
      metadata: item.metadata
    )
    var transfer = Transfer(partialPath: destination.finalPath + NameSanitizer.partialSuffix)
    var countedBytes = item.declaredSize ?? 0
    defer { if transfer.written > 0 { progress.bytesStreamed(-transfer.written) } }

    do {
      try directories.ensure(destination.directory)
    } catch {
      outcome.error = error.itemError
      return Result(outcome: outcome, countedBytes: countedBytes)
    }

    var rng = SystemRandomNumberGenerator()
    var checksumFailures = 0
    while true {
      outcome.attempts += 1
      do {
        let info = try await fetch(item.location, into: &transfer)
        if item.declaredSize == nil, countedBytes == 0, let size = info.size {
          countedBytes = size
          progress.bytesDiscovered(size)
        }
        try transfer.verify(against: info, location: item.location)
        try transfer.finish(renamingTo: destination.finalPath)
        pool.succeeded()
        outcome.status = .downloaded
        outcome.size = transfer.written
        outcome.generation = info.generation
        outcome.crc32c = CRC32C.hex(transfer.crc.value)
        outcome.md5 = info.md5?.hexString ?? transfer.md5Hex
        outcome.contentType = info.contentType ?? item.contentType
        // The bytes now count as done for good: keep them in the progress total.
        transfer.written = 0
        return Result(outcome: outcome, countedBytes: countedBytes)
      } catch {
        let failure = DownloadFailure(error)
        switch failure {
        case .cancelled:
          transfer.discard(progress)
          outcome.status = .cancelled
          outcome.error = ItemError(.cancelled, "the job stopped before this item finished")
          return Result(outcome: outcome, countedBytes: countedBytes)
        case .checksum(let itemError):
          transfer.discard(progress)
          checksumFailures += 1
          if checksumFailures < retry.maximumChecksumAttempts, outcome.attempts < retry.maximumAttempts { continue }
          outcome.error = itemError
        case .retryable(let itemError, let retryAfter, let canResume, let isRateLimit):
          if !canResume { transfer.discard(progress) }
          if isRateLimit { pool.rateLimited() }
          guard outcome.attempts < retry.maximumAttempts else {
            transfer.discard(progress)
            outcome.error = itemError
            return Result(outcome: outcome, countedBytes: countedBytes)
          }
          let delay = retry.delay(afterAttempt: outcome.attempts, retryAfter: retryAfter, using: &rng)
          progress.retryStarted()
          do {
            try await Task.sleep(for: delay)
            progress.retryEnded()
          } catch {
            progress.retryEnded()
            transfer.discard(progress)
            outcome.status = .cancelled
            outcome.error = ItemError(.cancelled, "the job stopped while this item waited to retry")
            return Result(outcome: outcome, countedBytes: countedBytes)
          }
          continue
        case .permanent(let itemError):
          transfer.discard(progress)
          outcome.error = itemError
        }
        return Result(outcome: outcome, countedBytes: countedBytes)
      }
    }
  }

  /// The earlier outcome, still true: same place, same generation in the store, same size and CRC32C on disk.
  private func unchanged(_ item: MediaItem, at destination: Destination, previous: ItemOutcome) async -> ItemOutcome? {
    guard previous.status == .downloaded || previous.status == .skipped, previous.localPath == destination.relativePath,
      previous.location == item.location, let generation = previous.generation, let size = previous.size,
      let crc32c = previous.crc32c
    else { return nil }
    guard let current = try? await store.currentGeneration(of: item.location), current == generation else { return nil }
    guard let local = FileOperations.checksum(destination.finalPath), local.size == size, CRC32C.hex(local.crc32c) == crc32c else {
      return nil
    }
    var outcome = previous
    outcome.status = .skipped
    outcome.kind = item.kind
    outcome.originalName = item.originalName
    outcome.metadata = item.metadata
    outcome.attempts = 0
    outcome.error = nil
    return outcome
  }

  /// One request: opens the object from where the partial file ends and appends the body to it.
  private func fetch(_ location: ObjectLocation, into transfer: inout Transfer) async throws -> ObjectInfo {
    let response = try await store.open(location, offset: transfer.written, generation: transfer.generation)
    let restartedBytes = try transfer.begin(with: response)
    if restartedBytes > 0 { progress.bytesStreamed(-restartedBytes) }
    for try await chunk in response.body {
      try Task.checkCancellation()
      try transfer.append(chunk)
      progress.bytesStreamed(Int64(chunk.count))
    }
    return transfer.expected ?? response.info
  }
}

/// The state of one item's bytes across attempts: the partial file, how much of it is good, and running checksums.
struct Transfer {
  let partialPath: String
  var file: WritableFile?
  var written: Int64 = 0
  var generation: String?
  /// What the store declared when this generation's first byte was fetched. A resumed (ranged) response may carry no
  /// hashes, so the first declaration is the one the whole file is checked against.
  var expected: ObjectInfo?
  var crc = CRC32C()
  var md5: Insecure.MD5?

  init(partialPath: String) {
    self.partialPath = partialPath
  }

  var md5Hex: String? { md5.map { Array($0.finalize()).hexString } }

  /// Opens the partial file: appended to when the response continues the same generation where the file ends,
  /// fresh otherwise. Returns how many bytes already written were thrown away.
  mutating func begin(with response: MediaResponse) throws -> Int64 {
    let info = response.info
    if written > 0, response.bodyOffset == written, info.generation == generation {
      if file == nil { file = try WritableFile(appendingTo: partialPath) }
      if var expected {
        expected.crc32c = expected.crc32c ?? info.crc32c
        expected.md5 = expected.md5 ?? info.md5
        expected.size = expected.size ?? info.size
        self.expected = expected
      }
      return 0
    }
    guard response.bodyOffset == 0 else {
      throw StoreError(.storeError, "the store answered from byte \(response.bodyOffset), not \(written)", isRetryable: true, requiresRestart: true)
    }
    let discarded = written
    try? file?.close()
    written = 0
    crc = CRC32C()
    file = try WritableFile(creating: partialPath)
    generation = info.generation
    expected = info
    // MD5 costs more than CRC32C; compute it only when it is the only hash the store gives.
    md5 = info.crc32c == nil && info.md5 != nil ? Insecure.MD5() : nil
    return discarded
  }

  mutating func append(_ chunk: [UInt8]) throws {
    try chunk.withUnsafeBytes { buffer in
      crc.update(buffer)
      md5?.update(bufferPointer: buffer)
      try file?.write(buffer)
    }
    written += Int64(chunk.count)
  }

  func verify(against info: ObjectInfo, location: ObjectLocation) throws {
    if let size = info.size, written < size {
      throw StoreError(.truncated, "got \(written) of \(size) bytes of \(location)", isRetryable: true)
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

  mutating func finish(renamingTo finalPath: String) throws {
    try file?.close()
    file = nil
    try FileOperations.rename(partialPath, finalPath)
  }

  /// Deletes the partial file and takes its bytes back out of the progress count.
  mutating func discard(_ progress: ProgressTracker) {
    try? file?.close()
    file = nil
    FileOperations.removeIfPresent(partialPath)
    progress.bytesStreamed(-written)
    written = 0
    generation = nil
    expected = nil
    crc = CRC32C()
  }
}

struct ChecksumFailure: Error {
  var error: ItemError
  init(_ error: ItemError) { self.error = error }
}

/// How a failed attempt is handled.
enum DownloadFailure {
  case cancelled
  case checksum(ItemError)
  case retryable(ItemError, retryAfter: Duration?, canResume: Bool, isRateLimit: Bool = false)
  case permanent(ItemError)

  init(_ error: any Error) {
    switch error {
    case is CancellationError:
      self = .cancelled
    case let failure as ChecksumFailure:
      self = .checksum(failure.error)
    case let error as FileSystemError:
      self = .permanent(error.itemError)
    case let error as StoreError where error.isRetryable:
      self = .retryable(
        ItemError(error.code, error.message),
        retryAfter: error.retryAfter,
        canResume: !error.requiresRestart,
        isRateLimit: error.isRateLimit
      )
    case let error as StoreError:
      self = .permanent(ItemError(error.code, error.message))
    default:
      // An error the store did not classify, such as a dropped connection: transient, and resumable.
      self = .retryable(ItemError(.network, String(describing: error)), retryAfter: nil, canResume: true, isRateLimit: false)
    }
  }
}

/// The directories already created in this job, so each is created once.
final class DirectoryCache: Sendable {
  private let created = Mutex<Set<String>>([])

  func ensure(_ path: String) throws(FileSystemError) {
    if created.withLock({ $0.contains(path) }) { return }
    try FileOperations.createDirectory(path)
    created.withLock { _ = $0.insert(path) }
  }
}
