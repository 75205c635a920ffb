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
    discussion: "The ids are those --retry-failed takes. A job whose process died shows as processing until the next run marks it interrupted."
  )

  @Argument(help: ArgumentHelp("The export folder (default: --output, MEDIABATCH_OUTPUT_DIR or ./downloads).", valueName: "dir"))
  var directory: String?

  @Option(name: .long, help: ArgumentHelp("The export folder, as for run.", valueName: "dir"))
  var output: String?

  @Option(name: .long, help: ArgumentHelp("How many jobs to list (default 20).", valueName: "n"))
  var limit = 20

  @Flag(name: .long, help: "Print the jobs as JSON on standard output.")
  var json = false

  func validate() throws {
    guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
  }

  func run() async throws {
    let root = directory ?? output ?? ProcessInfo.processInfo.environment["MEDIABATCH_OUTPUT_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "downloads"
    let path = SQLiteJobStore.path(outputRoot: root)
    guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(root) has no job history (no \(path))") }
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
    let formatter = ISO8601DateFormatter()
    for job in jobs {
      var line = "\(job.jobId)  \(job.status.rawValue.padding(toLength: 21, withPad: " ", startingAt: 0))  "
        + "\(formatter.string(from: job.startedAt))  \(Terminal.count(job.totalFilesDownloaded)) downloaded, "
        + "\(Terminal.count(job.skippedFiles)) kept, \(Terminal.count(job.failedFiles)) failed"
      if job.cancelledFiles > 0 { line += ", \(Terminal.count(job.cancelledFiles)) cancelled" }
      line += ", \(Terminal.bytes(job.totalSizeBytes))"
      if let retried = job.settings?.retryFailedOf { line += "  (retry of \(retried))" }
      if let resumed = job.settings?.resumes { line += "  (resumes \(resumed))" }
      if job.dryRun { line += "  (dry run)" }
      print(line)
    }
  }
}
