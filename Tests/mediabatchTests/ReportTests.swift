import Foundation
import MediaBatchTesting
import Testing

/// `mediabatch report`: shards missing or unfinished are named, and only a complete export exits 0.
@Suite("Report over shards", .timeLimit(.minutes(5)))
struct ReportTests {
  let binary = CLIEndToEndTests.binary

  @Test("a missing shard and an unfinished one are named, with exit 1; the totals are the shards' sums")
  func missingAndUnfinished() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let root = directory.appending("export")
    var users = 0
    for index in [0, 2, 3] {
      let run = try await ChildProcess.run(
        binary, ["run", "--source", "demo", "--demo-users", "12", "--shard", "\(index)/4", "--output", root, "--json"],
        environment: StateDirectoryTests.environment([:]))
      #expect(run.status == 0, "\(run.error)")
      let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
      users += (summary["users"] as? [String: Any])?["total"] as? Int ?? 0
    }
    // Shard 3's process "dies": its record still says processing.
    let record = root + "/.mediabatch/runs/shard-3-of-4.json"
    let text = try String(contentsOfFile: record, encoding: .utf8)
    try text.replacingOccurrences(of: "\"status\" : \"completed\"", with: "\"status\" : \"processing\"").write(toFile: record, atomically: true, encoding: .utf8)

    let report = try await ChildProcess.run(binary, ["report", root])
    #expect(report.status == 1, "\(report.output) \(report.error)")
    #expect(report.output.contains("Shards: 3 of 4 reported, 2 finished."), "\(report.output)")
    #expect(report.output.contains("Missing (no record): 1"), "\(report.output)")
    #expect(report.output.contains("Unfinished: shard 3 is processing"), "\(report.output)")
    #expect(report.output.contains("Users: \(users)"), "\(report.output)")
    #expect(report.output.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("Not complete."))

    let json = try await ChildProcess.run(binary, ["report", root, root, "--json"])
    let sums = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    #expect(sums["missing_shards"] as? [Int] == [1])
    #expect(sums["unfinished_shards"] as? [Int] == [3])
    #expect((sums["totals"] as? [String: Any])?["users"] as? Int == users, "the same folder given twice is counted once")

    let nothing = try await ChildProcess.run(binary, ["report", directory.appending("nowhere")])
    #expect(nothing.status == 2 && nothing.error.contains("no run record"), "\(nothing.error)")
  }
}
