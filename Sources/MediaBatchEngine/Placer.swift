import Logging
import MediaBatchCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Puts verified files under their final names in batches, each after one flush of the file system: a file reaches
/// its final name only once its bytes are on disk, so no power loss can leave a partial file under a final name, at
/// the cost of one `syncfs` per batch instead of one `fdatasync` per file. Until its batch is placed, a verified file
/// waits as its `.partial`, and its record waits with it: the job store hears of a file only once it is in place.
final class Placer: Sendable {
  struct Placement: Sendable {
    var directory: OpenDirectory
    var partialName: String
    var finalName: String
  }

  private let pending = Mutex<[(Placement, FinishedItem)]>([])
  private let jobStore: any JobStore
  private let logger: Logger

  init(jobStore: any JobStore, logger: Logger) {
    self.jobStore = jobStore
    self.logger = logger
  }

  /// A verified file and its record, to be placed and then recorded.
  func place(_ placement: Placement, record: FinishedItem) {
    pending.withLock { $0.append((placement, record)) }
  }

  /// Flushes the file system the files are on, renames every waiting file into place, and hands their records to
  /// the job store. Called by the job's ticker before each checkpoint and once when the job ends; the store flushes
  /// again before it commits, which makes the renames durable before the records are.
  func placeWaitingFiles() {
    let batch = pending.withLock { pending in
      defer { pending.removeAll(keepingCapacity: true) }
      return pending
    }
    guard let first = batch.first else { return }
    Self.syncFileSystem(holding: first.0.directory.fd)
    for (placement, record) in batch {
      do {
        try placement.directory.rename(placement.partialName, to: placement.finalName)
        jobStore.itemFinished(record)
      } catch {
        // Not recorded: the next run finds the file missing and fetches it again.
        logger.error(
          "verified file not placed",
          metadata: ["mediabatch.file": "\(placement.directory.pathOf(placement.finalName))", "error": "\(error)"])
      }
    }
  }

  static func syncFileSystem(holding fd: Int32) {
    #if os(Linux)
      if systemSyncfs(fd) != 0 { sync() }
    #else
      _ = fd
      sync()
    #endif
  }
}

#if os(Linux)
  @_silgen_name("syncfs")
  private func systemSyncfs(_ fd: Int32) -> Int32
#endif
