import Foundation
import MediaBatchCore

/// What a full run (not a dry run, a filtered run or a retry) of an export, or of one shard of it, left in the output
/// folder: `.mediabatch/runs/shard-<i>-of-<n>.json` (`run.json` unsharded), written as the job starts and again
/// when it ends, so `mediabatch report` can sum every shard's results and tell which are missing or never finished,
/// wherever each shard kept its state.
struct RunRecord: Codable, Sendable {
  var shardIndex: Int
  var shardCount: Int
  var jobId: String
  /// `processing` until the job ends; a record still `processing` when no process runs it is an unfinished shard.
  var status: String
  var host: String
  var startedAt: Date
  var updatedAt: Date
  var users: Int
  var failedUsers: Int
  var files: Int
  var downloadedFiles: Int
  var skippedFiles: Int
  var failedFiles: Int
  var cancelledFiles: Int
  var bytes: Int64
  var errorCounts: [String: Int]
  var failureReason: String?

  static func folder(root: String) -> String { OutputLayout(root: root).stateDirectory + "/runs" }

  static func fileName(shard: Shard?) -> String { shard.map { $0.folderName + ".json" } ?? "run.json" }

  init(jobId: String, shard: Shard?, startedAt: Date) {
    shardIndex = shard?.index ?? 0
    shardCount = shard?.count ?? 1
    self.jobId = jobId
    status = JobStatus.processing.rawValue
    var name = [CChar](repeating: 0, count: 256)
    gethostname(&name, name.count)
    host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    self.startedAt = startedAt
    updatedAt = startedAt
    users = 0
    failedUsers = 0
    files = 0
    downloadedFiles = 0
    skippedFiles = 0
    failedFiles = 0
    cancelledFiles = 0
    bytes = 0
    errorCounts = [:]
  }

  /// The record of a job that ended, from its report.
  mutating func finish(_ report: RunReport) {
    status = report.status.rawValue
    updatedAt = Date()
    users = report.users.total
    failedUsers = report.users.failed + report.users.stopped
    files = report.files.total
    downloadedFiles = report.files.downloaded
    skippedFiles = report.files.skipped
    failedFiles = report.files.failed
    cancelledFiles = report.files.cancelled
    bytes = report.bytes
    errorCounts = report.errorCounts
    failureReason = report.failureReason
  }

  /// Writes the record under `root` (atomically: a reader sees the old one or the new one).
  func write(root: String, shard: Shard?) throws {
    let folder = Self.folder(root: root)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Self.encoder.encode(self).write(to: URL(fileURLWithPath: folder + "/" + Self.fileName(shard: shard)), options: .atomic)
  }

  static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return encoder
  }()

  static let decoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }()
}
