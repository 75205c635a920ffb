import Foundation
import GRDB
import MediaBatchCore
import MediaBatchDemo
import MediaBatchJobStore
import MediaBatchTesting
import Testing

/// `mediabatch run` killed with SIGKILL at several points against a slowed-down demo source, then resumed.
@Suite("mediabatch run, killed and resumed", .oneAtATime, .timeLimit(.minutes(15)))
struct CrashResumeTests {
  static let users = 250
  let binary = CLIEndToEndTests.binary

  /// The media files under their final names, and the partial files, relative to the output folder.
  private func filesOnDisk(_ output: String) -> (final: Set<String>, partial: [String: Int]) {
    var final: Set<String> = []
    var partial: [String: Int] = [:]
    let enumerator = FileManager.default.enumerator(atPath: output)
    while let path = enumerator?.nextObject() as? String {
      if path.hasPrefix(OutputLayout.stateFolderName) || path.hasSuffix("/" + OutputLayout.manifestFileName)
        || path.hasSuffix("/" + OutputLayout.ownerFileName)
      {
        continue
      }
      guard let attributes = enumerator?.fileAttributes, attributes[.type] as? FileAttributeType == .typeRegular else { continue }
      if path.hasSuffix(NameSanitizer.partialSuffix) {
        partial[path] = (attributes[.size] as? NSNumber)?.intValue ?? 0
      } else {
        final.insert(path)
      }
    }
    return (final, partial)
  }

  /// Starts `mediabatch run` with `extra` arguments, waits until `killPoint` says so, and kills it with SIGKILL.
  private func runAndKill(_ output: String, _ extra: [String], killPoint: @escaping () -> Bool) async throws -> String {
    let arguments = ["run", "--source", "demo", "--demo-users", "\(Self.users)", "--output", output] + extra
    let child = ChildProcess(executable: binary, arguments: arguments)
    try child.start()
    let deadline = ContinuousClock.now + .seconds(60)
    while !killPoint() {
      try #require(child.process.isRunning, "the run ended before its kill point")
      try #require(ContinuousClock.now < deadline, "the kill point never came")
      try await Task.sleep(for: .milliseconds(10))
    }
    child.signal(SIGKILL)
    let ended = await child.wait()
    #expect(ended.status == SIGKILL, "the run was not killed: status \(ended.status)")
    return ended.error
  }

  @Test("killed during listing, mid-file and between files, then resumed: every file verified, no completed file fetched twice")
  func killAndResume() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: binary), "no mediabatch binary at \(binary)")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")

    // 1. During the listing: users come in pages of 100, each after 700 ms; killed at the first finished file,
    //    while the third page is still to come.
    _ = try await runAndKill(output, ["--demo-latency-ms", "700", "--concurrency", "2"]) {
      !filesOnDisk(output).final.isEmpty
    }
    let afterListing = filesOnDisk(output).final.count
    // Killed early, however slow the machine: most of the export is still to do.
    #expect(afterListing > 0 && afterListing < Self.users, "\(afterListing) files were in place")

    // 2. Mid-file: one download at a time at 10 KiB/s; killed once a partial file has grown by 20 KiB, two seconds
    //    (four checkpoints) after its first byte, so its record is written.
    let before = filesOnDisk(output).partial
    let midFile = try await runAndKill(output, ["--demo-kib-per-second", "10", "--concurrency", "1"]) {
      filesOnDisk(output).partial.contains { path, size in size >= (before[path] ?? 0) + 20 * 1024 }
    }
    #expect(midFile.contains("was interrupted"), "stderr: \(midFile)")
    let partialsLeft = filesOnDisk(output).partial
    #expect(!partialsLeft.isEmpty)

    // 3. Between files: one download at a time, each opened after 600 ms; killed as soon as a new file is in place.
    let finalBefore = filesOnDisk(output).final
    _ = try await runAndKill(output, ["--demo-latency-ms", "600", "--concurrency", "1"]) {
      filesOnDisk(output).final.count >= finalBefore.count + 2
    }

    // 4. Resumed to the end.
    let resumed = try await ChildProcess.run(
      binary, ["run", "--source", "demo", "--demo-users", "\(Self.users)", "--output", output, "--json"]
    )
    #expect(resumed.status == 0, "stderr: \(resumed.error)")
    #expect(resumed.error.contains("was interrupted"))

    // Every file matches its checksum; nothing partial is left.
    let catalog = DemoCatalog(userCount: Self.users, includesEdgeCases: false)
    let store = DemoStore(catalog: catalog)
    let report = try ExportVerifier(root: output).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
    #expect(report.unlistedFiles.isEmpty, "\(report.unlistedFiles.prefix(5))")
    let expected = (0..<Self.users).reduce(0) { $0 + catalog.user(at: $1).items.count }
    #expect(report.verifiedFiles == expected)
    let verify = try await ChildProcess.run(binary, ["verify", output])
    #expect(verify.status == 0, "stdout: \(verify.output)")

    // The database agrees with the disk, and tells the story.
    let onDisk = filesOnDisk(output)
    #expect(onDisk.final.count == expected && onDisk.partial.isEmpty)
    let database = try DatabaseQueue(path: SQLiteJobStore.path(outputRoot: output))
    let (statuses, lastJob, recordedFiles, kept, duplicates, resumedItems) = try await database.read { db in
      (
        try String.fetchAll(db, sql: "SELECT status FROM jobs ORDER BY rowid"),
        try String.fetchOne(db, sql: "SELECT id FROM jobs ORDER BY rowid DESC LIMIT 1") ?? "",
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM files") ?? -1,
        try Int.fetchOne(
          db,
          sql: "SELECT COUNT(*) FROM items WHERE job_id = (SELECT id FROM jobs ORDER BY rowid DESC LIMIT 1) AND status IN ('downloaded', 'skipped')"
        ) ?? -1,
        // An item downloaded by more than one job: fetched again after it was complete.
        try Int.fetchOne(
          db,
          sql: """
            SELECT COUNT(*) FROM (SELECT folder, kind, item_id FROM items WHERE status = 'downloaded'
            GROUP BY folder, kind, item_id HAVING COUNT(*) > 1)
            """
        ) ?? -1,
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE resumed_from > 0") ?? -1
      )
    }
    #expect(statuses == ["interrupted", "interrupted", "interrupted", "completed"])
    #expect(recordedFiles == expected)
    #expect(kept == expected)
    #expect(duplicates == 0)
    #expect(resumedItems >= 1, "the partial file of the mid-file kill was not resumed")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(resumed.output.utf8)) as? [String: Any])
    #expect(summary["job_id"] as? String == lastJob)

    // And a rerun of the finished export transfers nothing.
    let rerun = try await ChildProcess.run(binary, ["run", "--source", "demo", "--demo-users", "\(Self.users)", "--output", output, "--json"])
    #expect(rerun.status == 0)
    let again = try #require(try JSONSerialization.jsonObject(with: Data(rerun.output.utf8)) as? [String: Any])
    #expect(again["bytes"] as? Int == 0)
    #expect((again["files"] as? [String: Any])?["skipped"] as? Int == expected)
  }

  @Test("--retry-failed runs only the failed items of the last job with failures; jobs lists both; with none, there is nothing to retry")
  func retryFailed() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: binary), "no mediabatch binary at \(binary)")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let run = ["run", "--source", "demo", "--demo-users", "3", "--demo-edge-cases", "--output", output, "--json"]
    let first = try await ChildProcess.run(binary, run)
    #expect(first.status == 1)
    let failed = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
    let failedFiles = try #require((failed["files"] as? [String: Any])?["failed"] as? Int)
    #expect(failedFiles > 0)

    let retry = try await ChildProcess.run(binary, run + ["--retry-failed"])

    // The demo's bad items are bad for good: the retry meets the same failures, and fetches nothing else.
    #expect(retry.status == 1, "stderr: \(retry.error)")
    #expect(retry.error.contains("Retrying the failed and cancelled items of job \(failed["job_id"] as? String ?? "?")"))
    let retried = try #require(try JSONSerialization.jsonObject(with: Data(retry.output.utf8)) as? [String: Any])
    let files = try #require(retried["files"] as? [String: Any])
    #expect(files["failed"] as? Int == failedFiles)
    #expect(files["downloaded"] as? Int == 0)
    #expect((retried["users"] as? [String: Any])?["total"] as? Int == (failed["users"] as? [String: Any])?["failed"] as? Int)

    let history = try await ChildProcess.run(binary, ["jobs", output])
    #expect(history.status == 0)
    let lines = history.output.split(separator: "\n")
    #expect(lines.count == 3, "a header and two jobs: \(history.output)")
    #expect(lines.first?.hasPrefix("JOB ") == true)
    #expect(lines.dropFirst().first?.hasSuffix("retry of \(failed["job_id"] as? String ?? "?")") == true)
    #expect(lines.last?.hasPrefix(failed["job_id"] as? String ?? "?") == true)

    let unknown = try await ChildProcess.run(binary, run + ["--retry-job", "20990101-000000-0000"])
    #expect(unknown.status == 2)
    #expect(unknown.error.contains("no job 20990101-000000-0000"))

    let clean = directory.appending("clean")
    _ = try await ChildProcess.run(binary, ["run", "--source", "demo", "--demo-users", "2", "--output", clean])
    let nothing = try await ChildProcess.run(binary, ["run", "--source", "demo", "--demo-users", "2", "--output", clean, "--retry-failed"])
    #expect(nothing.status == 0)
    #expect(nothing.error.contains("Nothing to retry"))
  }
}
