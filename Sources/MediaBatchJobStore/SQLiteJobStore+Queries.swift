import Foundation
import GRDB
public import MediaBatchCore

/// Reading the history: jobs, and a job's per-user and per-item results, paged with opaque cursors.
extension SQLiteJobStore: JobHistory {
  /// Jobs, newest first (in the order they started: ids alone do not order jobs started within the same second).
  public func jobs(cursor: String?, limit: Int) async throws -> StorePage<JobSummary> {
    let before = try cursor.map { cursor throws(InvalidCursor) in try Self.position(cursor) } ?? .max
    return try await writer.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: "SELECT rowid, * FROM jobs WHERE rowid < ? ORDER BY rowid DESC LIMIT ?",
        arguments: [before, limit + 1]
      )
      let jobs = rows.prefix(limit).map(Self.summary)
      let next = rows.count > limit ? rows[limit - 1]["rowid"] as Int64? : nil
      return StorePage(elements: Array(jobs), nextCursor: next.map(String.init))
    }
  }

  public func job(_ id: String) async throws -> JobSummary? {
    try await writer.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.summary)
    }
  }

  /// The most recent job; with `withFailures`, the most recent one that has failed or cancelled items.
  public func latestJob(withFailures: Bool) async throws -> JobSummary? {
    try await writer.read { db in
      let filter = withFailures ? "WHERE files_failed > 0 OR files_cancelled > 0" : ""
      return try Row.fetchOne(db, sql: "SELECT * FROM jobs \(filter) ORDER BY rowid DESC LIMIT 1").map(Self.summary)
    }
  }

  /// A job's user results in the order they finished, optionally only those with a status or an item error code.
  public func users(
    ofJob jobId: String,
    status: UserResult.Status?,
    errorCode: ItemError.Code?,
    cursor: String?,
    limit: Int
  ) async throws -> StorePage<UserResult> {
    let after = try Self.position(cursor)
    return try await writer.read { db in
      var sql = "SELECT rowid, * FROM users WHERE job_id = ? AND rowid > ?"
      var arguments: StatementArguments = [jobId, after]
      if let status {
        sql += " AND status = ?"
        arguments += [status.rawValue]
      }
      if let errorCode {
        sql += " AND EXISTS (SELECT 1 FROM items WHERE items.job_id = users.job_id AND items.user_id = users.user_id AND items.error_code = ?)"
        arguments += [errorCode.rawValue]
      }
      sql += " ORDER BY rowid LIMIT ?"
      arguments += [limit + 1]
      let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
      let decoder = JSONDecoder()
      let users = rows.prefix(limit).map { row in
        UserResult(
          userId: row["user_id"],
          email: row["email"],
          folder: row["folder"],
          status: UserResult.Status(rawValue: row["status"]) ?? .failed,
          filesDownloaded: row["files_downloaded"],
          filesSkipped: row["files_skipped"],
          filesFailed: row["files_failed"],
          bytes: row["bytes"],
          errors: (try? decoder.decode([UserResult.ErrorEntry].self, from: Data((row["errors"] as String).utf8))) ?? []
        )
      }
      let next = rows.count > limit ? rows[limit - 1]["rowid"] as Int64? : nil
      return StorePage(elements: users, nextCursor: next.map(String.init))
    }
  }

  /// A job's item results in the order they finished, optionally filtered by status, error code and user.
  public func items(
    ofJob jobId: String,
    status: ItemOutcome.Status?,
    errorCode: ItemError.Code?,
    userId: String?,
    cursor: String?,
    limit: Int
  ) async throws -> StorePage<ItemRecord> {
    let after = try Self.position(cursor)
    return try await writer.read { db in
      var sql = "SELECT rowid, * FROM items WHERE job_id = ? AND rowid > ?"
      var arguments: StatementArguments = [jobId, after]
      if let status {
        sql += " AND status = ?"
        arguments += [status.rawValue]
      }
      if let errorCode {
        sql += " AND error_code = ?"
        arguments += [errorCode.rawValue]
      }
      if let userId {
        sql += " AND user_id = ?"
        arguments += [userId]
      }
      sql += " ORDER BY rowid LIMIT ?"
      arguments += [limit + 1]
      let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
      let items = rows.prefix(limit).map(Self.itemRecord)
      let next = rows.count > limit ? rows[limit - 1]["rowid"] as Int64? : nil
      return StorePage(elements: items, nextCursor: next.map(String.init))
    }
  }

  /// How many items of a job ended in each status.
  public func itemCounts(ofJob jobId: String) async throws -> [ItemOutcome.Status: Int] {
    try await writer.read { db in
      var counts: [ItemOutcome.Status: Int] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM items WHERE job_id = ? GROUP BY status", arguments: [jobId]) {
        if let status = ItemOutcome.Status(rawValue: row["status"]) { counts[status] = row["n"] }
      }
      return counts
    }
  }

  /// A cursor is the last row's position; anything else is refused.
  static func position(_ cursor: String?) throws(InvalidCursor) -> Int64 {
    guard let cursor else { return 0 }
    guard let position = Int64(cursor), position >= 0 else { throw InvalidCursor(cursor: cursor) }
    return position
  }

  static func itemRecord(_ row: Row) -> ItemRecord {
    var outcome = ItemOutcome(
      id: row["item_id"],
      kind: MediaKind(row["kind"] as String),
      status: ItemOutcome.Status(rawValue: row["status"]) ?? .failed
    )
    if let bucket = row["bucket"] as String?, let object = row["object"] as String? {
      outcome.location = ObjectLocation(bucket: bucket, object: object)
    }
    outcome.generation = row["generation"]
    outcome.localPath = row["local_path"]
    outcome.size = row["size"]
    outcome.crc32c = row["crc32c"]
    outcome.md5 = row["md5"]
    outcome.contentType = row["content_type"]
    outcome.attempts = row["attempts"]
    if let code = (row["error_code"] as String?).flatMap(ItemError.Code.init(rawValue:)) {
      outcome.error = ItemError(code, row["error_message"] ?? "")
    }
    outcome.resumedFrom = row["resumed_from"]
    outcome.unverified = row["unverified"]
    outcome.contentEncoding = row["content_encoding"]
    outcome.storedSize = row["stored_size"]
    return ItemRecord(
      userId: row["user_id"],
      folder: row["folder"],
      outcome: outcome,
      startedAt: Date(timeIntervalSince1970: row["started_at"]),
      seconds: row["seconds"]
    )
  }
}
