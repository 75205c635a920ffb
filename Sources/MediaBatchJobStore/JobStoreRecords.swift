import Foundation
import GRDB
import MediaBatchCore

// The rows of the job store's tables as GRDB records: their columns are named once (`CodingKeys`, used by `Columns`),
// and queries are written against those columns, not against positional `?` lists. Times are REAL seconds since 1970,
// as every version of the schema stored them.

/// A row of `jobs`.
struct JobRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "jobs"

  var id: String
  var status: String
  var sourceKind: String
  var sourceDescription: String
  var sourceIsDemo: Bool
  var dryRun: Bool
  var settings: String?
  var startedAt: Double
  var finishedAt: Double?
  var updatedAt: Double
  var totalUsers = 0
  var processedUsers = 0
  var successfulUsers = 0
  var failedUsers = 0
  var stoppedUsers = 0
  var filesDownloaded = 0
  var filesSkipped = 0
  var filesFailed = 0
  var filesCancelled = 0
  var bytes: Int64 = 0
  var elapsedSeconds: Double = 0
  var failureReason: String?

  enum CodingKeys: String, CodingKey {
    case id, status, settings, bytes
    case sourceKind = "source_kind", sourceDescription = "source_description", sourceIsDemo = "source_is_demo"
    case dryRun = "dry_run", startedAt = "started_at", finishedAt = "finished_at", updatedAt = "updated_at"
    case totalUsers = "total_users", processedUsers = "processed_users", successfulUsers = "successful_users"
    case failedUsers = "failed_users", stoppedUsers = "stopped_users", filesDownloaded = "files_downloaded"
    case filesSkipped = "files_skipped", filesFailed = "files_failed", filesCancelled = "files_cancelled"
    case elapsedSeconds = "elapsed_seconds", failureReason = "failure_reason"
  }

  enum Columns {
    static let id = Column(CodingKeys.id)
    static let status = Column(CodingKeys.status)
    static let finishedAt = Column(CodingKeys.finishedAt)
    static let updatedAt = Column(CodingKeys.updatedAt)
    static let totalUsers = Column(CodingKeys.totalUsers)
    static let processedUsers = Column(CodingKeys.processedUsers)
    static let successfulUsers = Column(CodingKeys.successfulUsers)
    static let failedUsers = Column(CodingKeys.failedUsers)
    static let stoppedUsers = Column(CodingKeys.stoppedUsers)
    static let filesDownloaded = Column(CodingKeys.filesDownloaded)
    static let filesSkipped = Column(CodingKeys.filesSkipped)
    static let filesFailed = Column(CodingKeys.filesFailed)
    static let filesCancelled = Column(CodingKeys.filesCancelled)
    static let bytes = Column(CodingKeys.bytes)
    static let elapsedSeconds = Column(CodingKeys.elapsedSeconds)
    static let failureReason = Column(CodingKeys.failureReason)
  }

  /// A job as it starts.
  init(starting job: JobSummary) {
    id = job.jobId
    status = job.status.rawValue
    sourceKind = job.source.kind
    sourceDescription = job.source.description
    sourceIsDemo = job.source.isDemo
    dryRun = job.dryRun
    settings = job.settings.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
    startedAt = job.startedAt.timeIntervalSince1970
    updatedAt = Date().timeIntervalSince1970
  }

  /// What a checkpoint writes of a running job: its state and totals.
  static func totals(of job: JobSummary) -> [ColumnAssignment] {
    [
      Columns.status.set(to: job.status.rawValue), Columns.finishedAt.set(to: job.finishedAt?.timeIntervalSince1970),
      Columns.updatedAt.set(to: Date().timeIntervalSince1970), Columns.totalUsers.set(to: job.totalUsers),
      Columns.processedUsers.set(to: job.processedUsers), Columns.successfulUsers.set(to: job.successfulUsers),
      Columns.failedUsers.set(to: job.failedUsers), Columns.stoppedUsers.set(to: job.stoppedUsers),
      Columns.filesDownloaded.set(to: job.totalFilesDownloaded), Columns.filesSkipped.set(to: job.skippedFiles),
      Columns.filesFailed.set(to: job.failedFiles), Columns.filesCancelled.set(to: job.cancelledFiles),
      Columns.bytes.set(to: job.totalSizeBytes), Columns.elapsedSeconds.set(to: job.processingTimeSeconds),
      Columns.failureReason.set(to: job.failureReason),
    ]
  }

  var summary: JobSummary {
    let source = SourceInfo(kind: sourceKind, description: sourceDescription, isDemo: sourceIsDemo)
    var job = JobSummary(
      jobId: id, status: JobStatus(rawValue: status) ?? .failed, source: source, dryRun: dryRun,
      startedAt: Date(timeIntervalSince1970: startedAt))
    job.finishedAt = finishedAt.map { Date(timeIntervalSince1970: $0) }
    job.totalUsers = totalUsers
    job.processedUsers = processedUsers
    job.successfulUsers = successfulUsers
    job.failedUsers = failedUsers
    job.stoppedUsers = stoppedUsers
    job.totalFilesDownloaded = filesDownloaded
    job.skippedFiles = filesSkipped
    job.failedFiles = filesFailed
    job.cancelledFiles = filesCancelled
    job.totalSizeBytes = bytes
    job.processingTimeSeconds = elapsedSeconds
    job.failureReason = failureReason
    job.settings = settings.flatMap { try? JSONDecoder().decode(JobParameters.self, from: Data($0.utf8)) }
    return job
  }
}

/// A row of `users`.
struct UserRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "users"

  var jobId: String
  var userId: String
  var email: String?
  var folder: String
  var status: String
  var filesDownloaded: Int
  var filesSkipped: Int
  var filesFailed: Int
  var bytes: Int64
  /// The first errors, as JSON.
  var errors: String

  enum CodingKeys: String, CodingKey {
    case email, folder, status, bytes, errors
    case jobId = "job_id", userId = "user_id", filesDownloaded = "files_downloaded", filesSkipped = "files_skipped"
    case filesFailed = "files_failed"
  }

  enum Columns {
    static let jobId = Column(CodingKeys.jobId)
    static let userId = Column(CodingKeys.userId)
    static let status = Column(CodingKeys.status)
  }

  init(jobId: String, _ result: UserResult) throws {
    self.jobId = jobId
    userId = result.userId
    email = result.email
    folder = result.folder
    status = result.status.rawValue
    filesDownloaded = result.filesDownloaded
    filesSkipped = result.filesSkipped
    filesFailed = result.filesFailed
    bytes = result.bytes
    errors = String(decoding: try JSONEncoder().encode(result.errors), as: UTF8.self)
  }

  var result: UserResult {
    UserResult(
      userId: userId, email: email, folder: folder, status: UserResult.Status(rawValue: status) ?? .failed,
      filesDownloaded: filesDownloaded, filesSkipped: filesSkipped, filesFailed: filesFailed, bytes: bytes,
      errors: (try? JSONDecoder().decode([UserResult.ErrorEntry].self, from: Data(errors.utf8))) ?? [])
  }
}

/// A row of `items`: one item a job finished.
struct ItemRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "items"

  var jobId: String
  var userId: String
  var folder: String
  var kind: String
  var itemId: String
  var status: String
  var bucket: String?
  var object: String?
  var generation: String?
  var localPath: String?
  var size: Int64?
  var crc32c: String?
  var md5: String?
  var contentType: String?
  var attempts: Int
  var errorCode: String?
  var errorMessage: String?
  var startedAt: Double
  var seconds: Double
  var resumedFrom: Int64?
  var unverified: Bool
  var contentEncoding: String?
  var storedSize: Int64?

  enum CodingKeys: String, CodingKey {
    case folder, kind, status, bucket, object, generation, size, crc32c, md5, attempts, seconds, unverified
    case jobId = "job_id", userId = "user_id", itemId = "item_id", localPath = "local_path", contentType = "content_type"
    case errorCode = "error_code", errorMessage = "error_message", startedAt = "started_at", resumedFrom = "resumed_from"
    case contentEncoding = "content_encoding", storedSize = "stored_size"
  }

  enum Columns {
    static let jobId = Column(CodingKeys.jobId)
    static let userId = Column(CodingKeys.userId)
    static let status = Column(CodingKeys.status)
    static let errorCode = Column(CodingKeys.errorCode)
  }

  init(_ finished: FinishedItem) {
    let o = finished.outcome
    jobId = finished.jobId
    userId = finished.userId
    folder = finished.folder
    kind = o.kind.name
    itemId = o.id
    status = o.status.rawValue
    bucket = o.location?.bucket
    object = o.location?.object
    generation = o.generation
    localPath = o.localPath
    size = o.size
    crc32c = o.crc32c
    md5 = o.md5
    contentType = o.contentType
    attempts = o.attempts
    errorCode = o.error?.code.rawValue
    errorMessage = o.error?.message
    startedAt = finished.startedAt.timeIntervalSince1970
    seconds = finished.seconds
    resumedFrom = o.resumedFrom
    unverified = o.unverified
    contentEncoding = o.contentEncoding
    storedSize = o.storedSize
  }

  var record: ItemRecord {
    var outcome = ItemOutcome(id: itemId, kind: MediaKind(kind), status: ItemOutcome.Status(rawValue: status) ?? .failed)
    if let bucket, let object { outcome.location = ObjectLocation(bucket: bucket, object: object) }
    outcome.generation = generation
    outcome.localPath = localPath
    outcome.size = size
    outcome.crc32c = crc32c
    outcome.md5 = md5
    outcome.contentType = contentType
    outcome.attempts = attempts
    if let errorCode { outcome.error = ItemError(ItemError.Code(rawValue: errorCode), errorMessage ?? "") }
    outcome.resumedFrom = resumedFrom
    outcome.unverified = unverified
    outcome.contentEncoding = contentEncoding
    outcome.storedSize = storedSize
    return ItemRecord(userId: userId, folder: folder, outcome: outcome, startedAt: Date(timeIntervalSince1970: startedAt), seconds: seconds)
  }
}

/// A row of `files`: a verified copy in the output folder.
struct FileRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "files"

  var folder: String
  var kind: String
  var itemId: String
  var localPath: String
  var bucket: String
  var object: String
  var generation: String?
  var size: Int64
  var crc32c: String
  var md5: String?
  var contentType: String?
  var jobId: String
  var modifiedNs: Int64?
  var unverified: Bool
  var contentEncoding: String?
  var storedSize: Int64?

  enum CodingKeys: String, CodingKey {
    case folder, kind, bucket, object, generation, size, crc32c, md5, unverified
    case itemId = "item_id", localPath = "local_path", contentType = "content_type", jobId = "job_id"
    case modifiedNs = "modified_ns", contentEncoding = "content_encoding", storedSize = "stored_size"
  }

  enum Columns {
    static let folder = Column(CodingKeys.folder)
    static let jobId = Column(CodingKeys.jobId)
  }

  /// The row of a verified file, or `nil` for an item that left none.
  init?(_ finished: FinishedItem) {
    let o = finished.outcome
    guard let stamp = finished.stamp, let location = o.location, let localPath = o.localPath, let crc32c = o.crc32c else { return nil }
    folder = finished.folder
    kind = o.kind.name
    itemId = o.id
    self.localPath = localPath
    bucket = location.bucket
    object = location.object
    generation = o.generation
    size = stamp.size
    self.crc32c = crc32c
    md5 = o.md5
    contentType = o.contentType
    jobId = finished.jobId
    modifiedNs = stamp.modified
    unverified = o.unverified
    contentEncoding = o.contentEncoding
    storedSize = o.storedSize
  }

  /// The outcome a later job checks a file on disk against.
  var outcome: ItemOutcome {
    var outcome = ItemOutcome(id: itemId, kind: MediaKind(kind), status: .downloaded)
    outcome.location = ObjectLocation(bucket: bucket, object: object)
    outcome.generation = generation
    outcome.localPath = localPath
    outcome.size = size
    outcome.crc32c = crc32c
    outcome.md5 = md5
    outcome.contentType = contentType
    outcome.unverified = unverified
    outcome.contentEncoding = contentEncoding
    outcome.storedSize = storedSize
    return outcome
  }

  var stamp: FileStamp? { modifiedNs.map { FileStamp(size: size, modified: $0) } }
}

/// A row of `partials`: a download in progress.
struct PartialRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "partials"

  var folder: String
  var localPath: String
  var bucket: String
  var object: String
  var generation: String
  var size: Int64?
  var crc32c: Int64?
  var md5: Data?
  var contentType: String?
  var jobId: String

  enum CodingKeys: String, CodingKey {
    case folder, bucket, object, generation, size, crc32c, md5
    case localPath = "local_path", contentType = "content_type", jobId = "job_id"
  }

  enum Columns {
    static let folder = Column(CodingKeys.folder)
    static let localPath = Column(CodingKeys.localPath)
  }

  /// The row of a transfer, or `nil` when its generation is unknown (it could never be resumed safely).
  init?(_ transfer: PartialTransfer) {
    guard let generation = transfer.info.generation else { return nil }
    folder = transfer.folder
    localPath = transfer.relativePath
    bucket = transfer.location.bucket
    object = transfer.location.object
    self.generation = generation
    size = transfer.info.size
    crc32c = transfer.info.crc32c.map { Int64($0) }
    md5 = transfer.info.md5.map { Data($0) }
    contentType = transfer.info.contentType
    jobId = transfer.jobId
  }

  var transfer: PartialTransfer {
    let info = ObjectInfo(
      size: size, generation: generation, crc32c: crc32c.map { UInt32(truncatingIfNeeded: $0) }, md5: md5.map { Array($0) },
      contentType: contentType)
    return PartialTransfer(
      jobId: jobId, folder: folder, relativePath: localPath, location: ObjectLocation(bucket: bucket, object: object), info: info)
  }
}
