import Foundation
import MediaBatchTesting
import Testing

/// `--log-format json`: every line on standard error is one Cloud Logging structured entry.
@Suite("Structured logs", .timeLimit(.minutes(5)))
struct LogFormatTests {
  let binary = CLIEndToEndTests.binary

  func entries(_ standardError: String) throws -> [[String: Any]] {
    try standardError.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON line: \(line)")
    }
  }

  @Test("json: severity, message, time and the job and shard as labels, on every line")
  func jsonLines() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let run = try await ChildProcess.run(
      binary, ["run", "--source", "demo", "--demo-users", "5", "--output", directory.appending("out"), "--log-format", "json", "--log-level", "info", "--shard", "1/2"],
      environment: StateDirectoryTests.environment([:]))
    #expect(run.status == 0, "\(run.error)")
    let lines = try entries(run.error)
    #expect(lines.count >= 3)
    for entry in lines {
      #expect(["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"].contains(entry["severity"] as? String ?? ""), "\(entry)")
      #expect((entry["message"] as? String)?.isEmpty == false)
      let time = try #require(entry["time"] as? String)
      #expect(time.hasSuffix("Z") && time.contains("T") && ISO8601DateFormatter.withFractions.date(from: time) != nil, "\(time)")
    }
    let labelled = lines.compactMap { $0["logging.googleapis.com/labels"] as? [String: String] }
    #expect(labelled.contains { $0["shard"] == "1/2" && $0["job_id"]?.isEmpty == false })
    #expect(lines.contains { $0["severity"] as? String == "WARNING" && ($0["message"] as? String)?.contains("hashes to it") == true })
  }

  @Test("the default: json when standard error is not a terminal on Cloud Run, Batch or Kubernetes; text elsewhere")
  func defaults() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let arguments = ["run", "--source", "demo", "--demo-users", "2", "--output", directory.appending("out")]
    let onCloudRun = try await ChildProcess.run(binary, arguments, environment: StateDirectoryTests.environment(["CLOUD_RUN_JOB": "export"]))
    #expect(onCloudRun.status == 0)
    #expect(try entries(onCloudRun.error).allSatisfy { $0["severity"] != nil })
    let onMachine = try await ChildProcess.run(binary, arguments, environment: StateDirectoryTests.environment([:]))
    #expect(onMachine.error.hasPrefix("MediaBatch job "), "\(onMachine.error)")
    let forced = try await ChildProcess.run(binary, arguments, environment: StateDirectoryTests.environment(["CLOUD_RUN_JOB": "x", "MEDIABATCH_LOG_FORMAT": "text"]))
    #expect(forced.error.hasPrefix("MediaBatch job "), "\(forced.error)")
  }

  @Test("a failure is an ERROR entry; an unknown format is refused")
  func errors() async throws {
    let failed = try await ChildProcess.run(
      binary, ["run", "--source", "demo", "--output", "/proc/version/out", "--log-format", "json"], environment: StateDirectoryTests.environment([:]))
    #expect(failed.status == 2)
    let last = try #require(try entries(failed.error).last)
    #expect(last["severity"] as? String == "ERROR", "\(failed.error)")
    let refused = try await ChildProcess.run(binary, ["run", "--log-format", "xml"])
    #expect(refused.status == 2 && refused.error.contains("--log-format must be text or json"), "\(refused.error)")
  }
}

extension ISO8601DateFormatter {
  static var withFractions: ISO8601DateFormatter {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter
  }
}
