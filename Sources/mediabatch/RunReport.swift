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
  /// Bytes downloaded (0 for a dry run).
  var bytes: Int64
  /// Bytes a dry run would fetch (0 otherwise).
  var plannedBytes: Int64
  var elapsedSeconds: Double
  /// Files downloaded per second of the job: files already up to date do not count.
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

  /// What happened to each file: `skipped` files were already here, complete and unchanged; a dry run counts what
  /// it would fetch as `planned` and downloads nothing.
  struct FileCounts: Encodable {
    var total: Int
    var downloaded: Int
    var planned: Int
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
    // A dry run's tracker counts the files it would fetch where a real run counts those it fetched.
    let (downloaded, planned) = s.dryRun ? (0, s.downloadedFiles) : (s.downloadedFiles, 0)
    files = FileCounts(
      total: s.totalFiles, downloaded: downloaded, planned: planned, skipped: s.skippedFiles, failed: s.failedFiles, cancelled: s.cancelledFiles)
    bytes = s.dryRun ? 0 : s.downloadedBytes
    plannedBytes = s.dryRun ? s.totalBytes : 0
    elapsedSeconds = s.elapsedSeconds
    filesPerSecond = s.elapsedSeconds > 0 ? Double(downloaded) / s.elapsedSeconds : 0
    bytesPerSecond = s.elapsedSeconds > 0 ? Double(bytes) / s.elapsedSeconds : 0
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
    lines.append(headline())
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

  /// What happened, in one line: "Downloaded 213 files (12 MB), 404 already up to date, for 100 users in 0:04 —
  /// 53 files/s, 3.0 MB/s. Status: completed." Speeds are over what was downloaded, and only when something was.
  func headline() -> String {
    var parts: [String] = []
    if dryRun {
      parts.append("Planned \(Terminal.count(files.planned)) \(files.planned == 1 ? "file" : "files") (\(Terminal.bytes(plannedBytes)) to fetch)")
    } else if files.downloaded == 0, files.skipped > 0 {
      parts.append("\(Terminal.count(files.skipped)) \(files.skipped == 1 ? "file" : "files") already up to date, 0 downloaded")
    } else {
      parts.append("Downloaded \(Terminal.count(files.downloaded)) \(files.downloaded == 1 ? "file" : "files") (\(Terminal.bytes(bytes)))")
      if files.skipped > 0 { parts.append("\(Terminal.count(files.skipped)) already up to date") }
    }
    if files.failed > 0 { parts.append("\(Terminal.count(files.failed)) failed") }
    if files.cancelled > 0 { parts.append("\(Terminal.count(files.cancelled)) cancelled") }
    var line = parts.joined(separator: ", ")
    line += "\(parts.count > 1 ? "," : "") for \(Terminal.count(users.total)) \(users.total == 1 ? "user" : "users") in \(Terminal.duration(elapsedSeconds))"
    if !dryRun, files.downloaded > 0, elapsedSeconds > 0 {
      line += " — \(String(format: "%.0f", filesPerSecond)) files/s, \(Terminal.bytes(Int64(bytesPerSecond)))/s"
    }
    return line + ". Status: \(status.rawValue)."
  }
}
