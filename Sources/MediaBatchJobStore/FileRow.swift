import Foundation
import GRDB
import MediaBatchCore

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

  /// Read column by column: every file of a user folder is read back once per user of every rerun.
  init(row: Row) {
    folder = row["folder"]
    kind = row["kind"]
    itemId = row["item_id"]
    localPath = row["local_path"]
    bucket = row["bucket"]
    object = row["object"]
    generation = row["generation"]
    size = row["size"]
    crc32c = row["crc32c"]
    md5 = row["md5"]
    contentType = row["content_type"]
    jobId = row["job_id"]
    modifiedNs = row["modified_ns"]
    unverified = row["unverified"]
    contentEncoding = row["content_encoding"]
    storedSize = row["stored_size"]
  }

  /// Written column by column, as `ItemRow` is: one row per file.
  func encode(to container: inout PersistenceContainer) {
    container["folder"] = folder
    container["kind"] = kind
    container["item_id"] = itemId
    container["local_path"] = localPath
    container["bucket"] = bucket
    container["object"] = object
    container["generation"] = generation
    container["size"] = size
    container["crc32c"] = crc32c
    container["md5"] = md5
    container["content_type"] = contentType
    container["job_id"] = jobId
    container["modified_ns"] = modifiedNs
    container["unverified"] = unverified
    container["content_encoding"] = contentEncoding
    container["stored_size"] = storedSize
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
