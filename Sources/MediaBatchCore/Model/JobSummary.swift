public import struct Foundation.Date

/// A job's identity, settings and totals: what history lists and what results report.
public struct JobSummary: Sendable, Hashable, Codable {
  public var jobId: String
  public var status: JobStatus
  public var source: SourceInfo
  public var dryRun: Bool
  public var startedAt: Date
  public var finishedAt: Date?
  public var totalUsers: Int
  public var processedUsers: Int
  public var successfulUsers: Int
  public var failedUsers: Int
  public var stoppedUsers: Int
  public var totalFilesDownloaded: Int
  public var skippedFiles: Int
  public var failedFiles: Int
  public var cancelledFiles: Int
  public var totalSizeBytes: Int64
  public var processingTimeSeconds: Double
  /// Why the job as a whole failed (not an item error), when it did.
  public var failureReason: String?
  /// What the job was asked to do.
  public var settings: JobParameters?

  public init(jobId: String, status: JobStatus, source: SourceInfo, dryRun: Bool, startedAt: Date) {
    self.jobId = jobId
    self.status = status
    self.source = source
    self.dryRun = dryRun
    self.startedAt = startedAt
    self.totalUsers = 0
    self.processedUsers = 0
    self.successfulUsers = 0
    self.failedUsers = 0
    self.stoppedUsers = 0
    self.totalFilesDownloaded = 0
    self.skippedFiles = 0
    self.failedFiles = 0
    self.cancelledFiles = 0
    self.totalSizeBytes = 0
    self.processingTimeSeconds = 0
  }

  private enum CodingKeys: String, CodingKey {
    case jobId = "job_id"
    case status, source
    case dryRun = "dry_run"
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case totalUsers = "total_users"
    case processedUsers = "processed_users"
    case successfulUsers = "successful_users"
    case failedUsers = "failed_users"
    case stoppedUsers = "stopped_users"
    case totalFilesDownloaded = "total_files_downloaded"
    case skippedFiles = "skipped_files"
    case failedFiles = "failed_files"
    case cancelledFiles = "cancelled_files"
    case totalSizeBytes = "total_size_bytes"
    case processingTimeSeconds = "processing_time_seconds"
    case failureReason = "failure_reason"
    case settings
  }

  /// Every key, always: a value that is absent is `null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(jobId, forKey: .jobId)
    try container.encode(status, forKey: .status)
    try container.encode(source, forKey: .source)
    try container.encode(dryRun, forKey: .dryRun)
    try container.encode(startedAt, forKey: .startedAt)
    try container.encode(finishedAt, forKey: .finishedAt)
    try container.encode(totalUsers, forKey: .totalUsers)
    try container.encode(processedUsers, forKey: .processedUsers)
    try container.encode(successfulUsers, forKey: .successfulUsers)
    try container.encode(failedUsers, forKey: .failedUsers)
    try container.encode(stoppedUsers, forKey: .stoppedUsers)
    try container.encode(totalFilesDownloaded, forKey: .totalFilesDownloaded)
    try container.encode(skippedFiles, forKey: .skippedFiles)
    try container.encode(failedFiles, forKey: .failedFiles)
    try container.encode(cancelledFiles, forKey: .cancelledFiles)
    try container.encode(totalSizeBytes, forKey: .totalSizeBytes)
    try container.encode(processingTimeSeconds, forKey: .processingTimeSeconds)
    try container.encode(failureReason, forKey: .failureReason)
    try container.encode(settings, forKey: .settings)
  }
}
