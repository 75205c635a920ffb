public import Foundation

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
  /// The users of the export, each by the latest job that finished it, in id order after the id `cursor` names;
  /// with `matching`, only those whose id or email contains it, ignoring case.
  func exportedUsers(matching: String?, cursor: String?, limit: Int) async throws -> StorePage<ExportedUser>
  /// One user of the export by id, by the latest job that finished it.
  func exportedUser(_ userId: String) async throws -> ExportedUser?
}

/// A user of the export: the latest result a job recorded for them, and that job.
public struct ExportedUser: Sendable, Hashable {
  public var jobId: String
  public var result: UserResult

  public init(jobId: String, result: UserResult) {
    self.jobId = jobId
    self.result = result
  }

  /// The cursor after this user: its id's UTF-8 bytes in lower-case hex, opaque and safe in a query string.
  public var cursor: String { ExportedUser.cursor(for: result.userId) }

  public static func cursor(for userId: String) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: userId.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
  }

  /// The user id a cursor names (any even run of hex digits names one); `InvalidCursor` for anything else.
  public static func userId(after cursor: String?) throws(InvalidCursor) -> String? {
    guard let cursor else { return nil }
    func value(_ digit: UInt8) -> UInt8? {
      switch digit {
      case 0x30...0x39: digit - 0x30
      case 0x61...0x66: digit - 0x61 + 10
      default: nil
      }
    }
    let digits = Array(cursor.utf8)
    guard !digits.isEmpty, digits.count % 2 == 0, digits.count <= 2_048 else { throw InvalidCursor(cursor: cursor) }
    var bytes: [UInt8] = []
    for index in stride(from: 0, to: digits.count, by: 2) {
      guard let high = value(digits[index]), let low = value(digits[index + 1]) else { throw InvalidCursor(cursor: cursor) }
      bytes.append(high << 4 | low)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether the id or the email contains `text`, ignoring the case of ASCII letters (as SQLite's `lower` does).
  public func matches(_ text: String) -> Bool {
    let needle = Self.asciiLowercased(text)
    return Self.asciiLowercased(result.userId).contains(needle) || result.email.map { Self.asciiLowercased($0).contains(needle) } == true
  }

  static func asciiLowercased(_ text: String) -> String {
    String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
  }
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
