import ArgumentParser
import Foundation

/// `mediabatch report DIR…`: one account of an export run in shards, from the run records each shard left in its
/// output folder.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Sum the results of an export's shards: users, files, bytes and failures, and which shards are missing or unfinished.",
    discussion: """
      Give every output folder the shards wrote into (one, when they shared it). Each full run of a shard records its \
      results in <dir>/.mediabatch/runs/; the latest record of each shard counts. Exit status: 0 when every shard \
      finished and no item failed, 1 when a shard is missing or unfinished or items failed, 2 when no record was found.
      """
  )

  @Argument(help: ArgumentHelp("Output folders of the export's shards.", valueName: "dir"))
  var directories: [String]

  @Flag(name: .long, help: "Print the report as JSON on standard output.")
  var json = false

  func validate() throws {
    if directories.isEmpty { throw ValidationError("give the output folder(s) the shards wrote into") }
  }

  func run() throws {
    var records: [RunRecord] = []
    var seen: Set<String> = []
    for directory in directories {
      let folder = RunRecord.folder(root: directory)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
      for name in names.sorted() where name.hasSuffix(".json") {
        let path = URL(fileURLWithPath: folder + "/" + name).resolvingSymlinksInPath().path
        guard seen.insert(path).inserted, let data = FileManager.default.contents(atPath: path) else { continue }
        do {
          records.append(try RunRecord.decoder.decode(RunRecord.self, from: data))
        } catch {
          throw RunFailure("\(path) is not a run record MediaBatch can read: \(error)")
        }
      }
    }
    guard let report = ShardReport(records) else {
      throw RunFailure("no run record in \(directories.joined(separator: ", ")): a full `mediabatch run` (or shard) leaves one in <dir>/.mediabatch/runs/")
    }
    if json {
      print(String(decoding: try RunRecord.encoder.encode(report), as: UTF8.self))
    } else {
      print(report.text())
    }
    throw ExitCode(report.isComplete ? 0 : 1)
  }
}

/// The sum of an export's shards: the group of records with the latest shard count, the latest record per shard.
struct ShardReport: Encodable {
  var shardCount: Int
  var shards: [RunRecord]
  var missingShards: [Int]
  /// Shards whose latest run did not end `completed`, with their status.
  var unfinishedShards: [Int]
  /// Runs with another shard count, left out of the sums.
  var otherShardCounts: [Int]
  var totals: RunTotals

  init?(_ records: [RunRecord]) {
    guard let newest = records.max(by: { $0.updatedAt < $1.updatedAt }) else { return nil }
    shardCount = newest.shardCount
    var latest: [Int: RunRecord] = [:]
    for record in records where record.shardCount == shardCount {
      if let kept = latest[record.shardIndex], kept.updatedAt >= record.updatedAt { continue }
      latest[record.shardIndex] = record
    }
    shards = latest.values.sorted { $0.shardIndex < $1.shardIndex }
    missingShards = (0..<shardCount).filter { latest[$0] == nil }
    unfinishedShards = shards.filter { $0.status != "completed" && $0.status != "completed_with_errors" }.map(\.shardIndex)
    otherShardCounts = Set(records.map(\.shardCount)).subtracting([shardCount]).sorted()
    totals = shards.reduce(RunTotals()) { $0 + $1.totals }
  }

  /// Every shard finished and nothing failed.
  var isComplete: Bool { missingShards.isEmpty && unfinishedShards.isEmpty && totals.failedFiles == 0 && totals.cancelledFiles == 0 }

  func text() -> String {
    var lines: [String] = []
    let finished = shards.count - unfinishedShards.count
    lines.append("Shards: \(shards.count) of \(shardCount) reported, \(finished) finished.")
    if !missingShards.isEmpty { lines.append("Missing (no record): \(Self.list(missingShards))") }
    for index in unfinishedShards {
      guard let shard = shards.first(where: { $0.shardIndex == index }) else { continue }
      let since = ISO8601DateFormatter().string(from: shard.startedAt)
      let reason = shard.failureReason.map { ": \($0)" } ?? ""
      lines.append("Unfinished: shard \(index) is \(shard.status) (job \(shard.jobId) on \(shard.host), started \(since))\(reason)")
    }
    let t = totals
    lines.append("Users: \(Terminal.count(t.users))\(t.failedUsers > 0 ? " (\(Terminal.count(t.failedUsers)) not complete)" : "")")
    lines.append(
      "Files: \(Terminal.count(t.files)): \(Terminal.count(t.downloadedFiles)) downloaded by the last runs, \(Terminal.count(t.skippedFiles)) "
        + "already up to date, \(Terminal.count(t.failedFiles)) failed, \(Terminal.count(t.cancelledFiles)) cancelled; "
        + "\(Terminal.bytes(t.bytes)) downloaded")
    if !t.errorCounts.isEmpty {
      lines.append("Failures by code:")
      for (code, count) in t.errorCounts.sorted(by: { $0.key < $1.key }) {
        lines.append("  \(code.padding(toLength: 20, withPad: " ", startingAt: 0)) \(Terminal.count(count))")
      }
    }
    if !otherShardCounts.isEmpty {
      lines.append("Left out: older runs split into \(otherShardCounts.map(String.init).joined(separator: ", ")) shards.")
    }
    lines.append(isComplete ? "Complete: every shard finished and every item was exported." : "Not complete.")
    return lines.joined(separator: "\n")
  }

  private static func list(_ indexes: [Int]) -> String {
    indexes.count > 20 ? indexes.prefix(20).map(String.init).joined(separator: ", ") + ", … (\(indexes.count))" : indexes.map(String.init).joined(separator: ", ")
  }
}
