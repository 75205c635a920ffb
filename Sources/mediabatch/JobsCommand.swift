import ArgumentParser
import Foundation
import Logging
import MediaBatchCore
import MediaBatchJobStore

/// `mediabatch jobs [DIR]`: the output folder's job history, newest first.
struct JobsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jobs",
    abstract: "List the jobs run on an output folder, newest first, with their totals.",
    discussion: "The ids are those --retry-job takes. A job whose process died shows as processing until the next run marks it interrupted."
  )

  @Argument(help: ArgumentHelp("The export folder (default: --output, MEDIABATCH_OUTPUT_DIR or ./downloads).", valueName: "dir"))
  var directory: String?

  @Option(name: .long, help: ArgumentHelp("The export folder, as for run.", valueName: "dir"))
  var output: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The state folder the jobs ran with, as for run (env MEDIABATCH_STATE_DIR; default <dir>/.mediabatch).", valueName: "dir"))
  var stateDir: String?

  @Option(name: .long, help: ArgumentHelp("How many jobs to list, 1–1000.", valueName: "n"))
  var limit = 20

  @Flag(name: .long, help: "Print the jobs as JSON on standard output.")
  var json = false

  func validate() throws {
    guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
  }

  func run() async throws {
    let variables = EnvironmentValues(variables: ProcessInfo.processInfo.environment)
    let root = directory ?? output ?? variables.string("MEDIABATCH_OUTPUT_DIR") ?? "downloads"
    let state = stateDir ?? variables.string("MEDIABATCH_STATE_DIR") ?? OutputLayout(root: root).stateDirectory
    let path = SQLiteJobStore.path(stateDirectory: state)
    guard FileManager.default.fileExists(atPath: path) else {
      let shards = ((try? FileManager.default.contentsOfDirectory(atPath: state)) ?? []).filter { $0.hasPrefix("shard-") }.sorted()
      if stateDir == nil, let first = shards.first {
        throw ValidationError(
          "\(root) was exported in shards, each with its own history (\(shards.count) here): mediabatch jobs \(root) --state-dir \(state)/\(first); "
            + "mediabatch report \(root) sums them")
      }
      throw ValidationError("\(root) has no job history (no \(path))")
    }
    var logger = Logger(label: "mediabatch")
    logger.logLevel = .error
    let store: SQLiteJobStore
    do {
      store = try SQLiteJobStore(path: path, syncing: nil, logger: logger)
    } catch let error as SQLiteJobStore.OpenError {
      throw ValidationError(error.description)
    }
    let jobs = try await store.jobs(limit: limit).elements
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      encoder.dateEncodingStrategy = .iso8601
      print(String(decoding: try encoder.encode(["jobs": jobs]), as: UTF8.self))
      return
    }
    guard !jobs.isEmpty else {
      print("No job has run on \(root).")
      return
    }
    print(Self.table(jobs))
  }

  /// The history as a table: a header row, then a job per row, newest first.
  static func table(_ jobs: [JobSummary]) -> String {
    let formatter = ISO8601DateFormatter()
    let header = ["JOB", "STATUS", "STARTED", "DOWNLOADED", "SKIPPED", "FAILED", "CANCELLED", "BYTES", "NOTE"]
    var rows = [header]
    for job in jobs {
      var notes: [String] = []
      if let retried = job.settings?.retryFailedOf { notes.append("retry of \(retried)") }
      if let resumed = job.settings?.resumes { notes.append("resumes \(resumed)") }
      if job.dryRun { notes.append("dry run") }
      rows.append([
        job.jobId, job.status.rawValue, formatter.string(from: job.startedAt), Terminal.count(job.totalFilesDownloaded),
        Terminal.count(job.skippedFiles), Terminal.count(job.failedFiles), Terminal.count(job.cancelledFiles),
        Terminal.bytes(job.totalSizeBytes), notes.joined(separator: ", "),
      ])
    }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    // Counts right-aligned, text left-aligned; the last column is not padded.
    let numeric: Set<Int> = [3, 4, 5, 6, 7]
    return rows.map { row in
      row.indices.map { column -> String in
        let cell = row[column]
        if column == row.count - 1 { return cell }
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return numeric.contains(column) ? padding + cell : cell + padding
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }.joined(separator: "\n")
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var text = self
    while text.last == " " { text.removeLast() }
    return text
  }
}
