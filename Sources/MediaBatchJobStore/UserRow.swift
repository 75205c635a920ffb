import Foundation
import GRDB
import MediaBatchCore

/// A row of `users`.
struct UserRow: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "users"

  var jobId: String
  var userId: String
  var email: String?
  var folder: String
  var status: String
  var filesDownloaded: Int
  var filesSkipped: Int
  var filesFailed: Int
  var bytes: Int64
  /// The first errors, as JSON.
  var errors: String

  enum CodingKeys: String, CodingKey {
    case email, folder, status, bytes, errors
    case jobId = "job_id", userId = "user_id", filesDownloaded = "files_downloaded", filesSkipped = "files_skipped"
    case filesFailed = "files_failed"
  }

  enum Columns {
    static let jobId = Column(CodingKeys.jobId)
    static let userId = Column(CodingKeys.userId)
    static let status = Column(CodingKeys.status)
  }

  init(jobId: String, _ result: UserResult) throws {
    self.jobId = jobId
    userId = result.userId
    email = result.email
    folder = result.folder
    status = result.status.rawValue
    filesDownloaded = result.filesDownloaded
    filesSkipped = result.filesSkipped
    filesFailed = result.filesFailed
    bytes = result.bytes
    errors = String(decoding: try JSONEncoder().encode(result.errors), as: UTF8.self)
  }

  var result: UserResult {
    UserResult(
      userId: userId, email: email, folder: folder, status: UserResult.Status(rawValue: status) ?? .failed,
      filesDownloaded: filesDownloaded, filesSkipped: filesSkipped, filesFailed: filesFailed, bytes: bytes,
      errors: (try? JSONDecoder().decode([UserResult.ErrorEntry].self, from: Data(errors.utf8))) ?? [])
  }
}
