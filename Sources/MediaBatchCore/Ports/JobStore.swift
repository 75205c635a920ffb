import Toolbox

public import struct Foundation.Date

/// The port a job records its work through, and reads back what earlier jobs on the same output folder left: the
/// SQLite file beside the export (`.mediabatch/state.sqlite`), or an in-memory database.
///
/// Item records are buffered and written in batches (`checkpoint`), so recording never waits on the disk in the
/// middle of a download. A record says a file is complete only after the file's bytes are on disk.
public protocol JobStore: Sendable {
  /// Records a job that is starting.
  func jobStarted(_ job: JobSummary) async
  /// A download started writing its `.partial` file: what is needed to resume it after a crash. Buffered.
  func transferStarted(_ transfer: PartialTransfer)
  /// An item has its outcome. Buffered.
  func itemFinished(_ item: FinishedItem)
  /// A user has every outcome. Buffered.
  func userFinished(jobId: String, _ result: UserResult)
  /// A user's manifest was written: what it says (its digest) and its stamp, so a later job whose user is unchanged
  /// can leave it as it is. Buffered.
  func manifestWritten(_ manifest: ManifestRecord)
  /// Writes what is buffered and the job's running totals. When the write fails, nothing buffered is lost: it stays
  /// buffered for the next checkpoint, and the error says whether the disk is full.
  func checkpoint(_ job: JobSummary) async throws(JobStoreWriteError)
  /// Writes what is buffered and the job's final totals.
  func jobFinished(_ job: JobSummary) async throws(JobStoreWriteError)

  /// What earlier jobs recorded about one user folder: its verified files and its unfinished downloads.
  func knownFiles(folder: String) async -> KnownFiles
  /// The items of a job that failed or were cancelled, by user id, as `kind/id` keys.
  func failedItems(ofJob jobId: String) async -> [String: Set<String>]
}

/// A download in progress, recorded so that a later job can resume its `.partial` file with a range request.
public struct PartialTransfer: Sendable, Hashable {
  public var jobId: String
  /// The user's folder, and the final file's path inside it (the partial file is this path plus `.partial`).
  public var folder: String
  public var relativePath: String
  public var location: ObjectLocation
  /// What the store declared when the first byte was fetched: generation, size and hashes of the whole object.
  public var info: ObjectInfo

  public init(jobId: String, folder: String, relativePath: String, location: ObjectLocation, info: ObjectInfo) {
    self.jobId = jobId
    self.folder = folder
    self.relativePath = relativePath
    self.location = location
    self.info = info
  }
}

/// The size and modification time of a file as it was when verified; a later job that finds the same stamp knows
/// the file was not touched since (the quick check, as rsync's).
public struct FileStamp: Sendable, Hashable {
  public var size: Int64
  /// Nanoseconds since 1970.
  public var modified: Int64

  public init(size: Int64, modified: Int64) {
    self.size = size
    self.modified = modified
  }
}

/// One item's outcome, as a job records it.
public struct FinishedItem: Sendable {
  public var jobId: String
  public var userId: String
  public var folder: String
  public var outcome: ItemOutcome
  /// The verified file on disk, for downloaded and skipped items.
  public var stamp: FileStamp?
  public var startedAt: Date
  public var seconds: Double

  public init(jobId: String, userId: String, folder: String, outcome: ItemOutcome, stamp: FileStamp?, startedAt: Date, seconds: Double) {
    self.jobId = jobId
    self.userId = userId
    self.folder = folder
    self.outcome = outcome
    self.stamp = stamp
    self.startedAt = startedAt
    self.seconds = seconds
  }
}

/// What earlier jobs left in one user folder.
public struct KnownFiles: Sendable {
  /// A file recorded as complete and verified.
  public struct File: Sendable {
    /// As recorded: location, generation, local path, size, CRC32C, MD5, content type.
    public var outcome: ItemOutcome
    public var stamp: FileStamp?
    /// The job that recorded it ended normally (not interrupted), so the recorded stamp can be trusted alone.
    public var recordedByFinishedJob: Bool

    public init(outcome: ItemOutcome, stamp: FileStamp?, recordedByFinishedJob: Bool) {
      self.outcome = outcome
      self.stamp = stamp
      self.recordedByFinishedJob = recordedByFinishedJob
    }
  }

  /// By `kind/id`.
  public var files: [String: File]
  /// By the final file's relative path.
  public var partials: [String: PartialTransfer]
  /// The folder's manifest as last written.
  public var manifest: ManifestRecord?

  public init(files: [String: File] = [:], partials: [String: PartialTransfer] = [:], manifest: ManifestRecord? = nil) {
    self.files = files
    self.partials = partials
    self.manifest = manifest
  }

  public static let none = KnownFiles()
}

/// A user's manifest as a job wrote it.
public struct ManifestRecord: Sendable, Hashable {
  public var folder: String
  /// Hex SHA-256 of what the manifest says about the user and the items, apart from the job that wrote it.
  public var digest: String
  /// The manifest file as written.
  public var stamp: FileStamp
  public var jobId: String

  public init(folder: String, digest: String, stamp: FileStamp, jobId: String) {
    self.folder = folder
    self.digest = digest
    self.stamp = stamp
    self.jobId = jobId
  }
}

/// A write to the job store failed; what was to be written is kept for the next attempt.
public struct JobStoreWriteError: Error, Sendable, CustomStringConvertible {
  public var description: String
  /// The disk (or the quota) holding the job store is full.
  public var isDiskFull: Bool

  public init(_ description: String, isDiskFull: Bool) {
    self.description = description
    self.isDiskFull = isDiskFull
  }
}
