import Foundation
import MediaBatchCore
import MediaBatchTesting
import Testing

/// Shards of one export, each a `mediabatch run` process, writing into one shared output folder, against the
/// official Firestore emulator, with a stand-in answering Firestore's `partitionQuery` (which the emulator lacks).
@Suite("Shards through the emulators", .oneAtATime, .timeLimit(.minutes(10)))
struct ShardedExportTests {
  /// Two users whose emails make the same folder name, one at each end of the listing: different shards place them.
  static let twins = ["aaa-twin", "zzz-twin"]

  typealias Outcome = (status: Int32, output: String, error: String)

  @Test("8 shards into one folder: each user exported once, the users read once in all, a rerun moves nothing, one report")
  func eightShardsIntoOneFolder() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let harness = try await EmulatorHarness.start(
      seedArguments: ["--users", "240", "--objects-per-user", "2", "--size", "2000"], workDirectory: directory.path)
    let (standInPort, standIn) = try await harness.startPartitionStandIn()
    do {
      let seed = try JSONDecoder().decode(FirebaseEmulatorTests.SeedManifest.self, from: harness.manifest)
      for twin in Self.twins {
        let document = #"{"fields":{"email":{"stringValue":"Twin@Example.com"},"imageIds":{"arrayValue":{}}}}"#
        let created = try await ChildProcess.run(
          "/usr/bin/curl",
          [
            "-sf", "-X", "POST", "-H", "Authorization: Bearer owner", "-H", "Content-Type: application/json", "-d", document,
            "http://127.0.0.1:\(harness.firestorePort)/v1/projects/\(harness.projectID)/databases/(default)/documents/email_users?documentId=\(twin)",
          ])
        try #require(created.status == 0, "\(created.error)")
      }
      let userCount = seed.users.count + Self.twins.count
      var variables = harness.environment
      variables["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:\(standInPort)"
      let environment = variables
      let root = directory.appending("export")

      // act: eight shards at once, into one folder
      let runs = try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
        for index in 0..<8 {
          group.addTask {
            let run = try await ChildProcess.run(
              CLIEndToEndTests.binary, ["run", "--shard", "\(index)/8", "--output", root, "--json", "--concurrency", "8"], environment: environment)
            return (index, run)
          }
        }
        return try await group.reduce(into: [Int: Outcome]()) { $0[$1.0] = $1.1 }
      }

      // check: every shard completed, with its own range; the users add up exactly (none twice), all are on disk
      var listed = 0
      for (index, run) in runs.sorted(by: { $0.key < $1.key }) {
        #expect(run.status == 0, "shard \(index): \(run.error.suffix(2_000))")
        #expect(!run.error.contains("partitionQuery is not available"), "shard \(index) fell back to hashing")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        listed += (summary["users"] as? [String: Any])?["total"] as? Int ?? 0
      }
      #expect(listed == userCount)
      let plan = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/.mediabatch/shard-plans/8.json"))) as? [String: Any])
      #expect((plan["split_points"] as? [String])?.count == 7)
      let exported = try FirebaseEmulatorTests().check(output: root, against: seed)
      #expect(exported == seed.users.reduce(0) { $0 + $1.items.count })
      let manifests = try ExportVerifier(root: root).verify().manifests
      let twinFolders = Set(manifests.filter { Self.twins.contains($0.userId) }.map(\.folder))
      #expect(twinFolders.count == 2, "the twins share a folder: \(twinFolders)")
      #expect(Set(manifests.map(\.userId)).count == manifests.count)

      // check: the shards read the users collection once between them, not once each
      let stats = try await ChildProcess.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(standInPort)/standin/stats"])
      let read = try #require(try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
      let usersRead = (read["documents_read"] as? [String: Int])?["email_users"] ?? 0
      #expect(usersRead >= userCount && usersRead < userCount + 8, "user documents read: \(usersRead) for \(userCount) users")

      // act: one shard again (a retried task): nothing to transfer
      let again = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--shard", "5/8", "--output", root, "--json"], environment: environment)
      let rerun = try #require(try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [String: Any])
      #expect(again.status == 0, "\(again.error.suffix(2_000))")
      #expect(rerun["bytes"] as? Int == 0)
      #expect((rerun["files"] as? [String: Any])?["downloaded"] as? Int == 0)
      #expect(((rerun["files"] as? [String: Any])?["skipped"] as? Int ?? 0) > 0)

      // act: the report over the shared folder
      let report = try await ChildProcess.run(CLIEndToEndTests.binary, ["report", root, "--json"])
      #expect(report.status == 0, "\(report.output) \(report.error)")
      let sums = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any])
      #expect(sums["shard_count"] as? Int == 8)
      #expect((sums["missing_shards"] as? [Int])?.isEmpty == true)
      let totals = try #require(sums["totals"] as? [String: Any])
      #expect(totals["users"] as? Int == userCount)
      #expect((totals["downloaded_files"] as? Int ?? 0) + (totals["skipped_files"] as? Int ?? 0) == exported)

      // act: two shards straight against the emulator, which cannot partition: each reads every user, keeps its
      // half by hash, and says what that costs
      let hashed = directory.appending("hashed")
      var halves = 0
      for index in 0..<2 {
        let run = try await ChildProcess.run(
          CLIEndToEndTests.binary, ["run", "--shard", "\(index)/2", "--output", hashed, "--json"], environment: harness.environment)
        #expect(run.status == 0, "\(run.error.suffix(2_000))")
        #expect(run.error.contains("partitionQuery is not available") && run.error.contains("billed for) the whole users collection"), "\(run.error)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let users = (summary["users"] as? [String: Any])?["total"] as? Int ?? 0
        #expect(users > userCount / 4, "shard \(index) of 2 has \(users) of \(userCount) users")
        halves += users
      }
      #expect(halves == userCount)
      #expect(try FirebaseEmulatorTests().check(output: hashed, against: seed) == exported)
    } catch {
      standIn.signal(SIGTERM)
      _ = await standIn.wait()
      await harness.stop()
      throw error
    }
    standIn.signal(SIGTERM)
    _ = await standIn.wait()
    await harness.stop()
  }
}
