import Foundation
import GRDB
public import MediaBatchCore

/// Reading the history: jobs, and a job's per-user and per-item results, paged with opaque cursors.
extension SQLiteJobStore: JobHistory {
  /// Jobs, newest first (in the order they started: ids alone do not order jobs started within the same second).
  public func jobs(cursor: String?, limit: Int) async throws -> StorePage<JobSummary> {
    let before = try cursor.map { cursor throws(InvalidCursor) in try Self.position(cursor) } ?? .max
    return try await writer.read { db in
      let request = JobRow.select(Column.rowID, AllColumns()).filter(Column.rowID < before).order(Column.rowID.desc).limit(limit + 1)
      return try Self.page(Row.fetchAll(db, request), limit: limit) { try JobRow(row: $0).summary }
    }
  }

  public func job(_ id: String) async throws -> JobSummary? {
    try await writer.read { db in try JobRow.fetchOne(db, key: id)?.summary }
  }

  /// The most recent job; with `withFailures`, the most recent one that has failed or cancelled items.
  public func latestJob(withFailures: Bool) async throws -> JobSummary? {
    try await writer.read { db in
      var request = JobRow.order(Column.rowID.desc)
      if withFailures { request = request.filter(JobRow.Columns.filesFailed > 0 || JobRow.Columns.filesCancelled > 0) }
      return try request.fetchOne(db)?.summary
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
      var request = UserRow.select(Column.rowID, AllColumns()).filter(UserRow.Columns.jobId == jobId && Column.rowID > after)
      if let status { request = request.filter(UserRow.Columns.status == status.rawValue) }
      if let errorCode {
        let failing = ItemRow.select(ItemRow.Columns.userId).filter(ItemRow.Columns.jobId == jobId && ItemRow.Columns.errorCode == errorCode.rawValue)
        request = request.filter(failing.contains(UserRow.Columns.userId))
      }
      let rows = try Row.fetchAll(db, request.order(Column.rowID).limit(limit + 1))
      return try Self.page(rows, limit: limit) { try UserRow(row: $0).result }
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
      var request = ItemRow.select(Column.rowID, AllColumns()).filter(ItemRow.Columns.jobId == jobId && Column.rowID > after)
      if let status { request = request.filter(ItemRow.Columns.status == status.rawValue) }
      if let errorCode { request = request.filter(ItemRow.Columns.errorCode == errorCode.rawValue) }
      if let userId { request = request.filter(ItemRow.Columns.userId == userId) }
      let rows = try Row.fetchAll(db, request.order(Column.rowID).limit(limit + 1))
      return try Self.page(rows, limit: limit) { try ItemRow(row: $0).record }
    }
  }

  /// How many items of a job ended in each status.
  public func itemCounts(ofJob jobId: String) async throws -> [ItemOutcome.Status: Int] {
    try await writer.read { db in
      let request = ItemRow.select(ItemRow.Columns.status, count(Column.rowID))
        .filter(ItemRow.Columns.jobId == jobId).group(ItemRow.Columns.status)
      var counts: [ItemOutcome.Status: Int] = [:]
      for row in try Row.fetchAll(db, request) {
        if let status = ItemOutcome.Status(rawValue: row[0]) { counts[status] = row[1] }
      }
      return counts
    }
  }

  /// The first `limit` of `rows` (fetched with their `rowid`, one more than a page), and the cursor of the next page.
  static func page<Element>(_ rows: [Row], limit: Int, _ element: (Row) throws -> Element) throws -> StorePage<Element> {
    let elements = try rows.prefix(limit).map(element)
    let next = rows.count > limit ? rows[limit - 1][Column.rowID.name] as Int64? : nil
    return StorePage(elements: elements, nextCursor: next.map(String.init))
  }

  /// A cursor is the last row's position; anything else is refused.
  static func position(_ cursor: String?) throws(InvalidCursor) -> Int64 {
    guard let cursor else { return 0 }
    guard let position = Int64(cursor), position >= 0 else { throw InvalidCursor(cursor: cursor) }
    return position
  }
}

extension SQLiteJobStore {
  /// The latest `users` row of each user: walked in `user_id` order on the index, each row kept when it is its user's
  /// newest (an index seek), so a page reads about as many rows as it returns, however long the history.
  private static let latestUsers = """
    SELECT u.* FROM users u INDEXED BY users_by_user_id
    WHERE u.rowid = (SELECT max(rowid) FROM users WHERE user_id = u.user_id)
    """

  public func exportedUsers(matching: String?, cursor: String?, limit: Int) async throws -> StorePage<ExportedUser> {
    let after = try ExportedUser.userId(after: cursor)
    return try await writer.read { db in
      var sql = Self.latestUsers + " AND u.user_id > ?"
      var arguments: StatementArguments = [after ?? ""]
      if let matching, !matching.isEmpty {
        sql += " AND (instr(lower(u.user_id), lower(?)) > 0 OR instr(lower(coalesce(u.email, '')), lower(?)) > 0)"
        arguments += [matching, matching]
      }
      sql += " ORDER BY u.user_id LIMIT ?"
      arguments += [limit + 1]
      let users = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
        ExportedUser(jobId: row[UserRow.Columns.jobId], result: try UserRow(row: row).result)
      }
      return StorePage(elements: Array(users.prefix(limit)), nextCursor: users.count > limit ? users[limit - 1].cursor : nil)
    }
  }

  public func exportedUser(_ userId: String) async throws -> ExportedUser? {
    try await writer.read { db in
      let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE user_id = ? ORDER BY rowid DESC LIMIT 1", arguments: [userId])
      return try row.map { ExportedUser(jobId: $0[UserRow.Columns.jobId], result: try UserRow(row: $0).result) }
    }
  }
}
