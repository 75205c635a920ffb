import Foundation
import GRDB
import MediaBatchCore

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

  /// The insert of one row, prepared once per connection and run for every item of every job: GRDB's record
  /// insert (its data access object and persistence container) cost more than the insert itself.
  static let insertSQL = """
    INSERT INTO items (job_id, user_id, folder, kind, item_id, status, bucket, object, generation, local_path, size, crc32c, md5,
      content_type, attempts, error_code, error_message, started_at, seconds, resumed_from, unverified, content_encoding, stored_size)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    """

  /// The values of `insertSQL`, in its order.
  var insertArguments: StatementArguments {
    [
      jobId, userId, folder, kind, itemId, status, bucket, object, generation, localPath, size, crc32c, md5, contentType, attempts,
      errorCode, errorMessage, startedAt, seconds, resumedFrom, unverified, contentEncoding, storedSize,
    ]
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
