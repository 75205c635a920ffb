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
