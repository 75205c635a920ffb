import Foundation
import MediaBatchCore
import MediaBatchDemo
import MediaBatchTesting
import Testing

/// Runs the built `mediabatch` binary as a child process, as a user would.
@Suite("mediabatch CLI, end to end", .timeLimit(.minutes(15)))
struct CLIEndToEndTests {
  /// The binary under test: `MEDIABATCH_BIN`, else the debug build next to this package.
  static let binary: String = {
    if let path = ProcessInfo.processInfo.environment["MEDIABATCH_BIN"], !path.isEmpty { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/mediabatch").path
  }()

  static let googleVariables = [
    "FIREBASE_PROJECT_ID", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "FIREBASE_SERVICE_ACCOUNT_PATH", "GOOGLE_APPLICATION_CREDENTIALS",
    "FIRESTORE_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "FIREBASE_STORAGE_EMULATOR_HOST", "FIREBASE_STORAGE_BUCKET",
    "FIRESTORE_DATABASE", "MEDIABATCH_BILLING_PROJECT", "MEDIABATCH_IMPERSONATE_SERVICE_ACCOUNT", "GOOGLE_CLOUD_UNIVERSE_DOMAIN",
  ]

  func requireBinary() throws {
    try #require(
      FileManager.default.isExecutableFile(atPath: Self.binary), "no mediabatch binary at \(Self.binary): run `swift build` first")
  }

  func decode(_ json: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
  }

  @Test("run on the demo data exits 0, and every file matches its manifest and the demo store byte for byte")
  func demoRun() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")

    let result = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "40", "--json"])

    #expect(result.status == 0, "stderr: \(result.error)")
    let summary = try decode(result.output)
    #expect(summary["status"] as? String == "completed")
    let catalog = DemoCatalog(userCount: 40, includesEdgeCases: false)
    let store = DemoStore(catalog: catalog)
    let report = try ExportVerifier(root: output).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty)
    #expect(report.unlistedFiles.isEmpty)
    #expect(report.manifests.count == 40)
    let expectedFiles = (0..<40).reduce(0) { $0 + catalog.user(at: $1).items.count }
    #expect(report.verifiedFiles == expectedFiles)
    #expect((summary["files"] as? [String: Any])?["downloaded"] as? Int == expectedFiles)

    // A second run over the same folder transfers nothing.
    let rerun = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "40", "--json"])
    #expect(rerun.status == 0, "stderr: \(rerun.error)")
    let again = try decode(rerun.output)
    #expect((again["files"] as? [String: Any])?["skipped"] as? Int == expectedFiles)
    #expect(again["bytes"] as? Int == 0)
  }

  @Test("verify finds a changed, a truncated, a missing and a stray file, and passes a clean export")
  func verifyCommand() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let run = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "12"])
    #expect(run.status == 0)
    let clean = try await ChildProcess.run(Self.binary, ["verify", output])
    #expect(clean.status == 0, "stdout: \(clean.output)")
    #expect(clean.output.contains("Every file matches"))

    // Damage four files in four ways.
    let files = directory.files().filter { $0.hasSuffix(".png") || $0.hasSuffix(".wav") }
    try #require(files.count >= 4)
    let root = directory.path + "/"
    var flipped = try Data(contentsOf: URL(fileURLWithPath: root + files[0]))
    flipped[flipped.count / 2] ^= 0x01
    try flipped.write(to: URL(fileURLWithPath: root + files[0]))
    let truncated = try Data(contentsOf: URL(fileURLWithPath: root + files[1]))
    try truncated.prefix(truncated.count - 1).write(to: URL(fileURLWithPath: root + files[1]))
    try FileManager.default.removeItem(atPath: root + files[2])
    try Data("stray".utf8).write(to: URL(fileURLWithPath: root + files[3] + ".partial"))

    let damaged = try await ChildProcess.run(Self.binary, ["verify", output, "--json"])
    #expect(damaged.status == 1)
    let report = try decode(damaged.output)
    let kinds = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }.sorted()
    #expect(kinds == ["checksum_mismatch", "missing", "size_mismatch", "unlisted"])

    let notAnExport = try await ChildProcess.run(Self.binary, ["verify", directory.path + "/nothing"])
    #expect(notAnExport.status == 2)
  }

  @Test("a second process on the same output folder is refused, naming the holder; a dead holder's lock is taken over")
  func oneProcessPerFolder() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let server = ChildProcess(executable: Self.binary, arguments: ["serve", "--source", "demo", "--port", "0", "--output", output])
    try server.start()
    try #require(await server.errorLine(where: { $0.contains("listening on") }) != nil, "serve did not start: \(server.errorSoFar)")

    let refused = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "2"])
    #expect(refused.status == 2)
    #expect(refused.error.contains("is in use by pid \(server.process.processIdentifier)"), "stderr: \(refused.error)")

    server.signal(SIGKILL)
    _ = await server.wait()
    let afterwards = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "2"])
    #expect(afterwards.status == 0, "stderr: \(afterwards.error)")
  }

  @Test("shards split the users: every user in exactly one shard, the same one on every run")
  func shards() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var folders: [[String]] = []
    for index in 0..<3 {
      let output = directory.appending("shard-\(index)")
      let run = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--demo-users", "30", "--shard", "\(index)/3", "--output", output])
      #expect(run.status == 0, "stderr: \(run.error)")
      folders.append(try FileManager.default.contentsOfDirectory(atPath: output).filter { $0 != OutputLayout.stateFolderName })
    }
    let all = folders.flatMap { $0 }
    #expect(all.count == 30 && Set(all).count == 30)
    #expect(folders.allSatisfy { !$0.isEmpty })
    var environment = ProcessInfo.processInfo.environment
    environment["CLOUD_RUN_TASK_INDEX"] = "1"
    environment["CLOUD_RUN_TASK_COUNT"] = "3"
    let output = directory.appending("cloud-run")
    let run = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--demo-users", "30", "--output", output], environment: environment)
    #expect(run.status == 0)
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: output).filter { $0 != OutputLayout.stateFolderName }) == Set(folders[1]))
  }

  @Test("with edge cases it exits 1, reports each problem by code, and writes nothing outside the output folder")
  func edgeCaseRun() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")

    let result = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", output, "--demo-users", "5", "--demo-edge-cases", "--json"])

    #expect(result.status == 1)
    let summary = try decode(result.output)
    #expect(summary["status"] as? String == "completed_with_errors")
    let counts = summary["error_counts"] as? [String: Int] ?? [:]
    #expect(counts == ["checksum_mismatch": 1, "invalid_metadata": 1, "metadata_missing": 1, "not_found": 1])
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["export"])
    let store = DemoStore(catalog: DemoCatalog(userCount: 5, includesEdgeCases: true))
    let report = try ExportVerifier(root: output).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty)

    let text = try await ChildProcess.run(
      Self.binary, ["run", "--source", "demo", "--output", directory.appending("again"), "--demo-users", "0", "--demo-edge-cases"])
    #expect(text.status == 1)
    #expect(text.output.contains("not_found") && text.output.contains("checksum_mismatch") && text.output.contains("metadata_missing"))
  }

  @Test(
    "it exits 2 with a clear message when it cannot run",
    arguments: [
      (["run", "--concurrency", "0"], "--concurrency"),
      (["run", "--no-such-flag"], "no-such-flag"),
      (["run", "--source", "firebase"], "no Firebase project is configured"),
      (["run", "--source", "dropbox"], "firebase or demo"),
      (["run", "--shard", "3/3"], "--shard"),
      (["serve", "--host", "0.0.0.0", "--port", "0"], "MEDIABATCH_API_TOKEN"),
    ]
  )
  func cannotRun(arguments: [String], message: String) async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var environment = ProcessInfo.processInfo.environment
    // Nothing may point at a real project: no variables, and a home without gcloud's credentials.
    for name in ["MEDIABATCH_API_TOKEN", "MEDIABATCH_SOURCE", "CLOUDSDK_CONFIG"] + Self.googleVariables { environment[name] = nil }
    environment["HOME"] = directory.path
    let result = try await ChildProcess.run(Self.binary, arguments + ["--output", directory.appending("out")], environment: environment)
    #expect(result.status == 2)
    #expect(result.error.contains(message), "stderr: \(result.error)")
  }

  @Test("a settings file is read below flags; an unknown setting is refused by name")
  func settingsFile() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let good = directory.appending("good.yaml")
    try "source: demo\ndemo_users: 3\noutput: \(directory.appending("from-file"))\nconcurrency: 4\n".write(toFile: good, atomically: true, encoding: .utf8)
    let run = try await ChildProcess.run(Self.binary, ["run", "--config", good, "--json"])
    #expect(run.status == 0, "stderr: \(run.error)")
    let summary = try decode(run.output)
    #expect((summary["users"] as? [String: Any])?["total"] as? Int == 3)
    #expect(FileManager.default.fileExists(atPath: directory.appending("from-file")))

    let bad = directory.appending("bad.yaml")
    try "source: demo\nconcurency: 4\n".write(toFile: bad, atomically: true, encoding: .utf8)
    let refused = try await ChildProcess.run(Self.binary, ["run", "--config", bad])
    #expect(refused.status == 2)
    #expect(refused.error.contains("unknown setting \"concurency\""), "stderr: \(refused.error)")
  }

  @Test("an output folder that cannot be written is refused before anything starts")
  func unwritableOutput() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let blocker = directory.appending("file")
    _ = FileManager.default.createFile(atPath: blocker, contents: Data("x".utf8))
    let result = try await ChildProcess.run(Self.binary, ["run", "--source", "demo", "--output", blocker + "/export"])
    #expect(result.status == 2)
    #expect(result.error.contains("cannot use \(blocker) as the output folder: it exists and is not a folder"), "\(result.error)")
  }

  @Test("Ctrl-C stops gracefully: exit 1, status stopped, no half-written file, every file verified")
  func interruptStopsGracefully() async throws {
    try requireBinary()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let child = ChildProcess(
      executable: Self.binary,
      arguments: [
        "run", "--source", "demo", "--output", output, "--demo-users", "3000", "--demo-latency-ms", "40", "--concurrency", "8", "--json", "--log-level", "info",
      ]
    )
    try child.start()

    // The engine logs "job started" once the job runs under the signal handlers.
    try #require(await child.errorLine(where: { $0.contains("job started") }) != nil, "the job did not start: \(child.errorSoFar)")
    child.signal(SIGINT)
    let result = await child.wait()

    #expect(result.status == 1, "stderr: \(result.error)")
    let summary = try decode(result.output)
    #expect(summary["status"] as? String == "stopped")
    let files = directory.files()
    #expect(!files.contains { $0.hasSuffix(NameSanitizer.partialSuffix) })
    let store = DemoStore(catalog: DemoCatalog(userCount: 3000, includesEdgeCases: false))
    let report = try ExportVerifier(root: output).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty)
    #expect(report.manifests.count < 3000)
  }
}
