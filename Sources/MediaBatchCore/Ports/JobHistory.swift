public import struct Foundation.Date

/// The port the server reads the job history through: jobs, and a job's per-user and per-item results, paged with
/// opaque cursors. The SQLite job store answers it; so does the in-memory one the tests use.
public protocol JobHistory: Sendable {
  /// Jobs, newest first.
  func jobs(cursor: String?, limit: Int) async throws -> StorePage<JobSummary>
  func job(_ id: String) async throws -> JobSummary?
  /// The most recent job; with `withFailures`, the most recent one that has failed or cancelled items.
  func latestJob(withFailures: Bool) async throws -> JobSummary?
  /// A job's user results in the order they finished, optionally only those with a status or an item error code.
  func users(ofJob jobId: String, status: UserResult.Status?, errorCode: ItemError.Code?, cursor: String?, limit: Int) async throws
    -> StorePage<UserResult>
  /// A job's item results in the order they finished, optionally filtered by status, error code and user.
  func items(
    ofJob jobId: String, status: ItemOutcome.Status?, errorCode: ItemError.Code?, userId: String?, cursor: String?, limit: Int
  ) async throws -> StorePage<ItemRecord>
  /// How many items of a job ended in each status.
  func itemCounts(ofJob jobId: String) async throws -> [ItemOutcome.Status: Int]
}

extension JobHistory {
  public func jobs(limit: Int = 50) async throws -> StorePage<JobSummary> {
    try await jobs(cursor: nil, limit: limit)
  }

  public func latestJob() async throws -> JobSummary? {
    try await latestJob(withFailures: false)
  }

  public func users(
    ofJob jobId: String, status: UserResult.Status? = nil, errorCode: ItemError.Code? = nil, cursor: String? = nil, limit: Int = 100
  ) async throws -> StorePage<UserResult> {
    try await users(ofJob: jobId, status: status, errorCode: errorCode, cursor: cursor, limit: limit)
  }

  public func items(
    ofJob jobId: String, status: ItemOutcome.Status? = nil, errorCode: ItemError.Code? = nil, userId: String? = nil,
    cursor: String? = nil, limit: Int = 100
  ) async throws -> StorePage<ItemRecord> {
    try await items(ofJob: jobId, status: status, errorCode: errorCode, userId: userId, cursor: cursor, limit: limit)
  }
}

/// One item's recorded outcome, as the results API lists it.
public struct ItemRecord: Sendable, Hashable, Encodable {
  public var userId: String
  public var folder: String
  public var outcome: ItemOutcome
  public var startedAt: Date
  public var seconds: Double

  public init(userId: String, folder: String, outcome: ItemOutcome, startedAt: Date, seconds: Double) {
    self.userId = userId
    self.folder = folder
    self.outcome = outcome
    self.startedAt = startedAt
    self.seconds = seconds
  }

  private enum CodingKeys: String, CodingKey {
    case userId = "user_id"
    case folder
    case startedAt = "started_at"
    case seconds
  }

  public func encode(to encoder: any Encoder) throws {
    // The outcome's own keys, flattened beside the user's.
    try outcome.encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(userId, forKey: .userId)
    try container.encode(folder, forKey: .folder)
    try container.encode(startedAt, forKey: .startedAt)
    try container.encode(seconds, forKey: .seconds)
  }
}

/// A page of a listing, and the cursor of the next page (`nil` on the last).
public struct StorePage<Element: Sendable>: Sendable {
  public var elements: [Element]
  public var nextCursor: String?

  public init(elements: [Element], nextCursor: String?) {
    self.elements = elements
    self.nextCursor = nextCursor
  }
}

/// A cursor that is not one this store handed out.
public struct InvalidCursor: Error, Sendable {
  public var cursor: String

  public init(cursor: String) {
    self.cursor = cursor
  }
}
