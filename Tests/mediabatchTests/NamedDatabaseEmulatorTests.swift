import Foundation
import MediaBatchTesting
import Testing

/// A named Firestore database, in the official emulator (which keeps each database's documents apart and refuses a
/// cursor from another database, as Firestore does): users written there are exported with `--database` or
/// `FIRESTORE_DATABASE`, and the default database, left empty, has none of them.
@Suite("A named Firestore database through the emulators", .oneAtATime, .timeLimit(.minutes(15)))
struct NamedDatabaseEmulatorTests {
  static let database = "media-eu"

  static func summary(_ output: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
  }

  @Test("users written into a named database are exported with --database, planned with FIRESTORE_DATABASE, and absent from (default)")
  func exportFromNamedDatabase() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    // The listing crosses pages (20, 40, 80, …) so the cursors of the named database are sent back to it.
    let harness = try await EmulatorHarness.start(
      databaseID: Self.database, seedArguments: ["--users", "150", "--objects-per-user", "2", "--size", "1500", "--edge-cases"],
      workDirectory: directory.path)
    do {
      let seed = try JSONDecoder().decode(FirebaseEmulatorTests.SeedManifest.self, from: harness.manifest)

      // act: the named database, by flag; with a billing project, which the emulators take and ignore
      let output = directory.appending("export")
      var billed = harness.environment
      billed["MEDIABATCH_BILLING_PROJECT"] = "demo-payer"
      let run = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--database", Self.database, "--output", output, "--json"], environment: billed)

      // check: every user of the data set, every file byte for byte
      #expect(run.status == 1, "stderr: \(run.error.suffix(3_000))")
      #expect(
        run.error.contains("Firebase project \(harness.projectID), database \(Self.database): collection email_users"), "\(run.error)")
      #expect(run.error.contains("requests billed to project demo-payer"), "\(run.error)")
      let exported = try FirebaseEmulatorTests().check(output: output, against: seed)
      #expect(exported > 300)
      let summary = try Self.summary(run.output)
      #expect((summary["users"] as? [String: Any])?["total"] as? Int == seed.users.count)
      #expect((summary["files"] as? [String: Any])?["downloaded"] as? Int == exported)

      // act: the same database by its variable, planned only
      var byVariable = harness.environment
      byVariable["FIRESTORE_DATABASE"] = Self.database
      let planned = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--dry-run", "--json", "--output", directory.appending("planned")], environment: byVariable)
      let plannedSummary = try Self.summary(planned.output)
      #expect((plannedSummary["users"] as? [String: Any])?["total"] as? Int == seed.users.count, "\(planned.error.suffix(2_000))")
      #expect(((plannedSummary["files"] as? [String: Any])?["planned"] as? Int ?? 0) >= exported, "\(planned.output)")

      // act: the default database holds none of these users
      let empty = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--json", "--output", directory.appending("default")], environment: harness.environment)
      #expect(empty.status == 0, "stderr: \(empty.error.suffix(2_000))")
      #expect((try Self.summary(empty.output)["users"] as? [String: Any])?["total"] as? Int == 0)

      // act: inspect reads the named database too
      let inspect = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["inspect", "--database", Self.database, "--sample", "10"], environment: harness.environment)
      #expect(inspect.status == 0, "stderr: \(inspect.error)")
      #expect(inspect.output.contains("Project \(harness.projectID), database \(Self.database), collection email_users: sampled 10 users"))
    } catch {
      await harness.stop()
      throw error
    }
    await harness.stop()
  }
}
