import Foundation
import MediaBatchCore
import Toolbox

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
  var totals = RunTotals()
  var failureReason: String?

  static func folder(root: String) -> String { OutputLayout(root: root).stateDirectory + "/runs" }

  static func fileName(shard: Shard?) -> String { shard.map { $0.folderName + ".json" } ?? "run.json" }

  init(jobId: String, shard: Shard?, startedAt: Date) {
    shardIndex = shard?.index ?? 0
    shardCount = shard?.count ?? 1
    self.jobId = jobId
    status = JobStatus.processing.rawValue
    host = currentHostName()
    self.startedAt = startedAt
    updatedAt = startedAt
  }

  /// The record of a job that ended, from its report.
  mutating func finish(_ report: RunReport) {
    status = report.status.rawValue
    updatedAt = Date()
    totals = RunTotals(
      users: report.users.total, failedUsers: report.users.failed + report.users.stopped, files: report.files.total,
      downloadedFiles: report.files.downloaded, skippedFiles: report.files.skipped, failedFiles: report.files.failed,
      cancelledFiles: report.files.cancelled, bytes: report.bytes, errorCounts: report.errorCounts)
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

/// What a run did, in numbers; a report adds the runs of every shard.
struct RunTotals: Codable, Sendable {
  var users = 0
  /// Users not complete: failed or stopped.
  var failedUsers = 0
  var files = 0
  var downloadedFiles = 0
  var skippedFiles = 0
  var failedFiles = 0
  var cancelledFiles = 0
  var bytes: Int64 = 0
  var errorCounts: [String: Int] = [:]

  static func + (a: RunTotals, b: RunTotals) -> RunTotals {
    RunTotals(
      users: a.users + b.users, failedUsers: a.failedUsers + b.failedUsers, files: a.files + b.files,
      downloadedFiles: a.downloadedFiles + b.downloadedFiles, skippedFiles: a.skippedFiles + b.skippedFiles,
      failedFiles: a.failedFiles + b.failedFiles, cancelledFiles: a.cancelledFiles + b.cancelledFiles, bytes: a.bytes + b.bytes,
      errorCounts: a.errorCounts.merging(b.errorCounts, uniquingKeysWith: +))
  }
}
