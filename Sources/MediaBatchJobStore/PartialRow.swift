import Foundation
import GRDB
import MediaBatchCore

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
