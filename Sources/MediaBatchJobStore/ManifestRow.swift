import GRDB
import MediaBatchCore

/// A row of `manifests`: the last manifest written into a user folder.
struct ManifestRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "manifests"

  var folder: String
  var digest: String
  var size: Int64
  var modifiedNs: Int64
  var jobId: String

  enum CodingKeys: String, CodingKey {
    case folder, digest, size
    case modifiedNs = "modified_ns", jobId = "job_id"
  }

  enum Columns {
    static let folder = Column(CodingKeys.folder)
  }

  init(_ manifest: ManifestRecord) {
    folder = manifest.folder
    digest = manifest.digest
    size = manifest.stamp.size
    modifiedNs = manifest.stamp.modified
    jobId = manifest.jobId
  }

  var record: ManifestRecord {
    ManifestRecord(folder: folder, digest: digest, stamp: FileStamp(size: size, modified: modifiedNs), jobId: jobId)
  }
}
