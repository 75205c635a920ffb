import Crypto
import MediaBatchCore
import Synchronization
import Toolbox
import struct Foundation.Date

/// Fetches one item into its final place: streamed to `<name>.partial`, verified, renamed. Every failure ends as an
/// outcome with a stable code; nothing here throws to the caller.
struct ItemDownloader<Store: MediaStore>: Sendable {
  let store: Store
  let retry: RetryPolicy
  /// Accept bytes no hash can check (recorded as unverified) instead of failing the item with `unverifiable`.
  let allowUnverified: Bool
  /// Keep gzip-encoded objects compressed, as stored.
  let keepGzip: Bool
  let progress: ProgressTracker
  let tree: OutputTree
  let pool: PoolLimit
  let jobId: String
  let jobStore: any JobStore
  /// Where time to first byte is recorded.
  var metrics: EngineMetrics?
  /// Large objects fetched as parallel slices; `nil`: every object as one stream.
  var slicing: Slicing? = nil

  /// An item's destination, planned by the job before the download starts.
  struct Destination: Sendable {
    /// The user's folder, relative to the output root.
    var folder: String
    /// The folder the file goes in, relative to the output root (`user_example_com/images`).
    var directory: String
    var fileName: String
    /// Relative to the user's folder, as the manifest records it.
    var relativePath: String

    var partialName: String { fileName + NameSanitizer.partialSuffix }
  }

  typealias Previous = PreviousCopy

  struct Result: Sendable {
    var outcome: ItemOutcome
    /// The bytes the job's totals counted for this item (declared, or learned on opening).
    var countedBytes: Int64
    /// The verified file on disk, for a downloaded or skipped item.
    var stamp: FileStamp? = nil
    /// Where a downloaded file still has to go: it waits as a partial file until the job places it.
    var placement: Placer.Placement? = nil
    var startedAt = Date()
    var seconds: Double = 0
  }

  /// Downloads the item, unless the file on disk is already a complete copy of the object as it is now: then the
  /// item is skipped without fetching a byte. A `.partial` file an earlier job left is resumed where it ends.
  func download(_ item: MediaItem, to destination: Destination, previous: Previous = .none) async -> Result {
    let startedAt = Date()
    let clock = ContinuousClock.now
    var result = await fetch(item, to: destination, previous: previous)
    result.startedAt = startedAt
    result.seconds = ProgressTracker.seconds(ContinuousClock.now - clock)
    return result
  }

  private func fetch(_ item: MediaItem, to destination: Destination, previous: Previous) async -> Result {
    if let (skipped, stamp) = await existingCopy(item, at: destination, previous: previous) {
      // A record that is still true as it stands is not written again.
      // Only what the listing counted is taken back out of the total: a skipped object was never opened.
      return Result(outcome: skipped.outcome, countedBytes: item.declaredSize ?? 0, stamp: skipped.recordChanged ? stamp : nil)
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
    var countedBytes = item.declaredSize ?? 0
    let directory: OpenDirectory
    do {
      directory = try tree.directory(destination.directory, create: true)
    } catch {
      outcome.error = error.itemError
      return Result(outcome: outcome, countedBytes: countedBytes)
    }
    if let slicing, previous.partial == nil, let declared = item.declaredSize, declared >= slicing.threshold,
      let sliced = await fetchSliced(item, slicing: slicing, directory: directory, destination: destination, outcome: outcome)
    {
      return sliced
    }
    var transfer = Transfer(directory: directory, partialName: destination.partialName, progress: progress)
    defer { transfer.rollback() }
    if let partial = previous.partial {
      outcome.resumedFrom = await resume(partial, of: item, into: &transfer)
    }

    var random = SystemRandomNumberGenerator()
    var attempts = AttemptStateMachine(retry: retry)
    while true {
      attempts.attemptStarted()
      outcome.attempts = attempts.attempts
      do {
        var info = try await fetch(item.location, into: &transfer, destination: destination)
        if item.declaredSize == nil, countedBytes == 0, let size = info.size {
          countedBytes = size
          progress.bytesDiscovered(size)
        }
        if info.crc32c == nil, info.md5 == nil { info = try await hashesFromMetadata(of: item.location, served: info) }
        outcome.unverified = info.crc32c == nil && info.md5 == nil
        if outcome.unverified {
          guard allowUnverified else {
            throw StoreError(
              .unverifiable,
              "the store gives no CRC32C or MD5 for \(item.location), with its bytes or in its metadata, so they cannot be "
                + "verified; run with --allow-unverified to accept such files (marked unverified in the manifest)")
          }
        }
        try transfer.verify(against: info, location: item.location)
        pool.answered()
        outcome.generation = info.generation
        outcome.contentEncoding = info.isGzip ? "gzip" : nil
        let stamp: FileStamp?
        let placement: Placer.Placement
        if info.isGzip, !keepGzip {
          // Verified as stored (compressed); saved decompressed.
          let (plain, plainPlacement) = try transfer.finish(decompressingTo: destination.fileName)
          stamp = plain.stamp
          placement = plainPlacement
          outcome.storedSize = transfer.written
          outcome.size = plain.size
          outcome.crc32c = CRC32C.hex(plain.crc32c)
          outcome.md5 = nil
        } else {
          (stamp, placement) = try transfer.finish(placing: destination.fileName)
          outcome.size = transfer.written
          outcome.crc32c = CRC32C.hex(transfer.crc.value)
          outcome.md5 = info.md5?.hexString ?? transfer.md5Hex
        }
        outcome.status = .downloaded
        outcome.contentType = info.contentType ?? item.contentType
        // The bytes now count as done for good: keep them in the progress total.
        transfer.commit()
        return Result(outcome: outcome, countedBytes: countedBytes, stamp: stamp, placement: placement)
      } catch {
        let decision = attempts.failed(DownloadFailure(error), using: &random)
        switch decision.signal {
        case .answered?: pool.answered()
        case .rateLimited?: pool.rateLimited()
        case nil: break
        }
        switch decision.action {
        case .retryNow:
          transfer.discard()
          continue
        case .retry(let delay, let resume):
          if !resume { transfer.discard() }
          progress.retryStarted()
          do {
            try await Task.sleep(for: delay)
            progress.retryEnded()
          } catch {
            progress.retryEnded()
            transfer.discard()
            outcome.status = .cancelled
            outcome.error = ItemError(.cancelled, "the job stopped while this item waited to retry")
            return Result(outcome: outcome, countedBytes: countedBytes)
          }
          continue
        case .fail(let itemError):
          transfer.discard()
          outcome.error = itemError
        case .cancel:
          transfer.discard()
          outcome.status = .cancelled
          outcome.error = ItemError(.cancelled, "the job stopped before this item finished")
        }
        return Result(outcome: outcome, countedBytes: countedBytes)
      }
    }
  }

  /// A copy already in place, still true to the object: no byte needs fetching. `CopyCheck` says what it takes; this
  /// asks the store and reads the file accordingly.
  private func existingCopy(
    _ item: MediaItem,
    at destination: Destination,
    previous: Previous
  ) async -> ((outcome: ItemOutcome, recordChanged: Bool), FileStamp)? {
    let directory = try? tree.existingDirectory(destination.directory)
    let stamp = directory?.stamp(destination.fileName)
    var outcome: ItemOutcome
    var recordChanged = true
    switch CopyCheck.decide(stamp: stamp, previous: previous, item: item, relativePath: destination.relativePath) {
    case .fetch:
      return nil
    case .recorded(let generation, let size, let crc32c, let readFile):
      guard let directory, let record = previous.completed,
        let current = await currentGeneration(of: item.location, previous: previous), current == generation
      else { return nil }
      if readFile {
        guard let local = FileOperations.checksum(destination.fileName, in: directory), local.size == size,
          CRC32C.hex(local.crc32c) == crc32c
        else { return nil }
      }
      recordChanged = readFile
      outcome = record
    case .unrecorded:
      guard let directory, let stamp, let info = try? await store.objectInfo(of: item.location), let size = info.size,
        let crc32c = info.crc32c, stamp.size == size, let local = FileOperations.checksum(destination.fileName, in: directory),
        local.size == size, local.crc32c == crc32c
      else { return nil }
      outcome = ItemOutcome(
        id: item.id, kind: item.kind, status: .skipped, location: item.location, generation: info.generation,
        localPath: destination.relativePath, size: size, crc32c: CRC32C.hex(crc32c), md5: info.md5?.hexString,
        contentType: info.contentType ?? item.contentType
      )
    }
    guard let stamp else { return nil }
    outcome.status = .skipped
    outcome.kind = item.kind
    outcome.originalName = item.originalName
    outcome.metadata = item.metadata
    outcome.contentType = outcome.contentType ?? item.contentType
    outcome.attempts = 0
    outcome.error = nil
    outcome.resumedFrom = nil
    return ((outcome, recordChanged), stamp)
  }

  /// The object's current generation: from the user's listing when there is one, else asked of the object alone.
  /// `nil` when the object is gone or the store cannot tell.
  private func currentGeneration(of location: ObjectLocation, previous: Previous) async -> String? {
    switch await previous.listing?.generation(of: location) ?? .unknown {
    case .current(let generation): generation
    case .absent: nil
    case .unknown: try? await store.currentGeneration(of: location)
    }
  }

  /// Picks up the `.partial` file an earlier job left: kept when the object still has the generation its bytes came
  /// from (the next request asks for the rest), deleted otherwise. Returns the offset the download resumes from.
  private func resume(_ partial: PartialTransfer, of item: MediaItem, into transfer: inout Transfer) async -> Int64? {
    guard case .resume(let generation) = PartialCheck.decide(partial, item: item),
      let current = try? await store.currentGeneration(of: item.location), current == generation,
      transfer.resume(partial.info)
    else {
      transfer.directory.remove(transfer.partialName)
      return nil
    }
    return transfer.written
  }

  /// The hashes of the object's metadata, for a body served without any: the bytes are checked against them, as long
  /// as the metadata describes the generation that was served.
  private func hashesFromMetadata(of location: ObjectLocation, served: ObjectInfo) async throws -> ObjectInfo {
    guard let declared = try await store.objectInfo(of: location) else { return served }
    if let generation = served.generation, let current = declared.generation, generation != current {
      throw ChecksumFailure(ItemError(.checksumMismatch, "\(location) changed while it was fetched (generation \(generation), now \(current))"))
    }
    var info = served
    info.crc32c = declared.crc32c
    info.md5 = declared.md5
    info.size = info.size ?? declared.size
    return info
  }

  /// One request: opens the object from where the partial file ends and appends the body to it.
  private func fetch(_ location: ObjectLocation, into transfer: inout Transfer, destination: Destination) async throws -> ObjectInfo {
    let asked = ContinuousClock.now
    let response = try await store.open(location, offset: transfer.written, generation: transfer.generation)
    metrics?.firstByte(after: ContinuousClock.now - asked)
    let resuming = transfer.written > 0
    let restartedBytes = try transfer.begin(with: response)
    if transfer.written == 0, !resuming || restartedBytes > 0, let info = transfer.expected, info.generation != nil {
      jobStore.transferStarted(
        PartialTransfer(jobId: jobId, folder: destination.folder, relativePath: destination.relativePath, location: location, info: info)
      )
    }
    var pace = Pace(rule: retry.stall)
    for try await chunk in response.body {
      try Task.checkCancellation()
      try transfer.append(chunk)
      if let stalled = pace.received(Int64(chunk.count)) {
        throw StoreError(.network, "the download of \(location) stalled: \(stalled)", .transient())
      }
    }
    return transfer.expected ?? response.info
  }
}
