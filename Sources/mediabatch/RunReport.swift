import Foundation
import MediaBatchCore

/// What `mediabatch run` prints when the job is over, for people or (`--json`) for programs.
struct RunReport: Encodable {
  var jobId: String?
  var status: JobStatus
  var source: SourceInfo?
  var output: String
  var dryRun: Bool
  var users: Counts
  var files: FileCounts
  var bytes: Int64
  var elapsedSeconds: Double
  var filesPerSecond: Double
  var bytesPerSecond: Double
  var errorCounts: [String: Int]
  var errors: [ErrorRecord]
  var failedUsers: [UserResult]
  /// Why the job failed as a whole (a full disk, a source that could not be read), when it did.
  var failureReason: String?

  struct Counts: Encodable {
    var total: Int
    var succeeded: Int
    var failed: Int
    var stopped: Int
  }

  struct FileCounts: Encodable {
    var total: Int
    var downloaded: Int
    var skipped: Int
    var failed: Int
    var cancelled: Int
  }

  init(snapshot s: ProgressSnapshot, output: String, failedUsers: [UserResult], failureReason: String? = nil) {
    self.failureReason = failureReason
    jobId = s.jobId
    status = s.status
    source = s.source
    self.output = output
    dryRun = s.dryRun
    users = Counts(total: s.totalUsers, succeeded: s.successfulUsers, failed: s.failedUsers, stopped: s.stoppedUsers)
    files = FileCounts(total: s.totalFiles, downloaded: s.downloadedFiles, skipped: s.skippedFiles, failed: s.failedFiles, cancelled: s.cancelledFiles)
    bytes = s.downloadedBytes
    elapsedSeconds = s.elapsedSeconds
    filesPerSecond = s.elapsedSeconds > 0 ? Double(s.processedFiles) / s.elapsedSeconds : 0
    bytesPerSecond = s.elapsedSeconds > 0 ? Double(s.downloadedBytes) / s.elapsedSeconds : 0
    errorCounts = s.errorCounts
    errors = s.errors
    self.failedUsers = failedUsers
  }

  /// 0 every item succeeded, 1 some failed or the job stopped early, 2 it could not run.
  var exitCode: Int32 {
    switch status {
    case .completed: 0
    case .failed: 2
    default: 1
    }
  }

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(self), as: UTF8.self)
  }

  func text() -> String {
    var lines: [String] = []
    let verb = dryRun ? "Planned" : "Exported"
    lines.append(
      "\(verb) \(Terminal.count(files.downloaded)) files (\(Terminal.bytes(bytes))) for \(Terminal.count(users.total)) users "
        + "in \(Terminal.duration(elapsedSeconds)) — \(String(format: "%.0f", filesPerSecond)) files/s, "
        + "\(Terminal.bytes(Int64(bytesPerSecond)))/s. Status: \(status.rawValue)."
    )
    if files.failed > 0 {
      lines.append("\(Terminal.count(files.failed)) items failed:")
      for (code, count) in errorCounts.sorted(by: { $0.key < $1.key }) {
        lines.append("  \(code.padding(toLength: 20, withPad: " ", startingAt: 0)) \(count)")
      }
      for error in errors.prefix(20) {
        lines.append("  - \(error.user) \(error.kind)/\(error.itemId): \(error.code): \(error.message)")
      }
      if errors.count > 20 || files.failed > errors.count {
        lines.append("  … every item's outcome is in the manifest.json of its user's folder.")
      }
    }
    if let failureReason { lines.append("The job failed: \(failureReason)") }
    if !failedUsers.isEmpty {
      let names = failedUsers.prefix(10).map { "\($0.email ?? $0.userId) (\($0.folder))" }.joined(separator: ", ")
      lines.append("Users not complete: \(failedUsers.count): \(names)\(failedUsers.count > 10 ? ", …" : "")")
    }
    lines.append("Output: \(output)")
    return lines.joined(separator: "\n")
  }
}
