public import struct Foundation.Date

/// A job's progress at one instant: what `GET /batch-process-status` returns and SSE `snapshot` events carry.
public struct ProgressSnapshot: Sendable, Hashable, Codable {
  public var jobId: String?
  public var status: JobStatus
  public var source: SourceInfo?
  public var dryRun: Bool
  /// All users when the source could count them up front; else the users listed so far.
  public var totalUsers: Int
  /// Users listed so far.
  public var listedUsers: Int
  public var usersListingComplete: Bool
  public var processedUsers: Int
  public var successfulUsers: Int
  public var failedUsers: Int
  /// Users the job stopped before all their items were done.
  public var stoppedUsers: Int
  /// The user most recently started.
  public var currentUser: String?
  public var inFlightUsers: [String]
  public var totalFiles: Int
  public var processedFiles: Int
  public var downloadedFiles: Int
  public var skippedFiles: Int
  public var failedFiles: Int
  /// Items the job stopped before they were done.
  public var cancelledFiles: Int
  public var totalBytes: Int64
  public var downloadedBytes: Int64
  public var speedBytesPerSecond: Double
  public var filesPerSecond: Double
  public var etaSeconds: Double?
  public var elapsedSeconds: Double
  /// Items waiting to retry after a transient failure.
  public var retrying: Int
  public var startedAt: Date?
  public var finishedAt: Date?
  public var errorCounts: [String: Int]
  /// The most recent item errors, oldest first.
  public var errors: [ErrorRecord]

  public static let idle = ProgressSnapshot(
    jobId: nil, status: .idle, source: nil, dryRun: false, totalUsers: 0, listedUsers: 0, usersListingComplete: false,
    processedUsers: 0, successfulUsers: 0, failedUsers: 0, stoppedUsers: 0, currentUser: nil, inFlightUsers: [], totalFiles: 0,
    processedFiles: 0, downloadedFiles: 0, skippedFiles: 0, failedFiles: 0, cancelledFiles: 0, totalBytes: 0, downloadedBytes: 0,
    speedBytesPerSecond: 0, filesPerSecond: 0, etaSeconds: nil, elapsedSeconds: 0, retrying: 0, startedAt: nil,
    finishedAt: nil, errorCounts: [:], errors: []
  )

  private enum CodingKeys: String, CodingKey {
    case jobId = "job_id"
    case status, source
    case dryRun = "dry_run"
    case totalUsers = "total_users"
    case listedUsers = "listed_users"
    case usersListingComplete = "users_listing_complete"
    case processedUsers = "processed_users"
    case successfulUsers = "successful_users"
    case failedUsers = "failed_users"
    case stoppedUsers = "stopped_users"
    case currentUser = "current_user"
    case inFlightUsers = "in_flight_users"
    case totalFiles = "total_files"
    case processedFiles = "processed_files"
    case downloadedFiles = "downloaded_files"
    case skippedFiles = "skipped_files"
    case failedFiles = "failed_files"
    case cancelledFiles = "cancelled_files"
    case totalBytes = "total_bytes"
    case downloadedBytes = "downloaded_bytes"
    case speedBytesPerSecond = "speed_bytes_per_second"
    case filesPerSecond = "files_per_second"
    case etaSeconds = "eta_seconds"
    case elapsedSeconds = "elapsed_seconds"
    case retrying
    case startedAt = "started_at"
    case finishedAt = "finished_at"
    case errorCounts = "error_counts"
    case errors
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(jobId, forKey: .jobId)
    try c.encode(status, forKey: .status)
    try c.encode(source, forKey: .source)
    try c.encode(dryRun, forKey: .dryRun)
    try c.encode(totalUsers, forKey: .totalUsers)
    try c.encode(listedUsers, forKey: .listedUsers)
    try c.encode(usersListingComplete, forKey: .usersListingComplete)
    try c.encode(processedUsers, forKey: .processedUsers)
    try c.encode(successfulUsers, forKey: .successfulUsers)
    try c.encode(failedUsers, forKey: .failedUsers)
    try c.encode(stoppedUsers, forKey: .stoppedUsers)
    try c.encode(currentUser, forKey: .currentUser)
    try c.encode(inFlightUsers, forKey: .inFlightUsers)
    try c.encode(totalFiles, forKey: .totalFiles)
    try c.encode(processedFiles, forKey: .processedFiles)
    try c.encode(downloadedFiles, forKey: .downloadedFiles)
    try c.encode(skippedFiles, forKey: .skippedFiles)
    try c.encode(failedFiles, forKey: .failedFiles)
    try c.encode(cancelledFiles, forKey: .cancelledFiles)
    try c.encode(totalBytes, forKey: .totalBytes)
    try c.encode(downloadedBytes, forKey: .downloadedBytes)
    try c.encode(speedBytesPerSecond, forKey: .speedBytesPerSecond)
    try c.encode(filesPerSecond, forKey: .filesPerSecond)
    try c.encode(etaSeconds, forKey: .etaSeconds)
    try c.encode(elapsedSeconds, forKey: .elapsedSeconds)
    try c.encode(retrying, forKey: .retrying)
    try c.encode(startedAt, forKey: .startedAt)
    try c.encode(finishedAt, forKey: .finishedAt)
    try c.encode(errorCounts, forKey: .errorCounts)
    try c.encode(errors, forKey: .errors)
  }
}

/// One item error as the status and the event stream report it.
public struct ErrorRecord: Sendable, Hashable, Codable {
  public var user: String
  public var userId: String
  public var itemId: String
  public var kind: MediaKind
  public var code: ItemError.Code
  public var message: String
  public var at: Date

  public init(user: String, userId: String, itemId: String, kind: MediaKind, error: ItemError, at: Date) {
    self.user = user
    self.userId = userId
    self.itemId = itemId
    self.kind = kind
    self.code = error.code
    self.message = error.message
    self.at = at
  }

  private enum CodingKeys: String, CodingKey {
    case user
    case userId = "user_id"
    case itemId = "item_id"
    case kind, code, message, at
  }
}
