import Foundation
import MediaBatchTesting
import Testing

/// `mediabatch run --metrics-port`: Prometheus metrics, histograms included, while a batch job runs. One at a time:
/// beside the suite that opens and drops thousands of loopback connections, a scraper could find no port to connect
/// from.
@Suite("Metrics of a run", .oneAtATime, .timeLimit(.minutes(10)))
struct MetricsTests {
  let binary = CLIEndToEndTests.binary

  @Test("/metrics while the job runs: item durations and time to first byte as histograms, behind the API token when one is set")
  func runMetrics() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let token = "metrics-token-0123456789abcdef"
    let run = ChildProcess(
      executable: binary,
      arguments: [
        "run", "--source", "demo", "--demo-users", "40", "--demo-latency-ms", "150", "--concurrency", "2", "--output", directory.appending("out"),
        "--metrics-port", "0",
      ],
      environment: StateDirectoryTests.environment(["MEDIABATCH_API_TOKEN": token]))
    try run.start()
    let line = await run.errorLine(where: { $0.contains("Metrics on http://127.0.0.1:") })
    let port = try #require(line?.split(separator: ":").last?.split(separator: "/").first.flatMap { Int($0) }, "\(String(describing: line))")
    let url = "http://127.0.0.1:\(port)/metrics"

    let refused = try await ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url])
    #expect(refused.output == "401")
    let elsewhere = try await ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/jobs"])
    #expect(elsewhere.output == "404")
    // Scraped until a download has finished (each takes at least 150 ms); the job goes on meanwhile.
    var text = ""
    for _ in 0..<500 where !text.contains("mediabatch_item_duration_seconds_count{status=\"downloaded\"}") {
      text = try await ChildProcess.run("/usr/bin/curl", ["-sf", "-H", "Authorization: Bearer \(token)", url]).output
    }
    run.signal(SIGINT)
    let ended = await run.wait()
    let stderr = ended.error.suffix(2_000)

    #expect(text.contains("mediabatch_item_duration_seconds_bucket{status=\"downloaded\",le=\"0.25\"}"), "\(text.prefix(3_000)) \(stderr)")
    #expect(text.contains("mediabatch_item_duration_seconds_bucket{status=\"downloaded\",le=\"1800.0\"}"), "\(text.prefix(3_000))")
    let firstBytes = text.split(separator: "\n").first { $0.hasPrefix("mediabatch_time_to_first_byte_seconds_count") }
    #expect((firstBytes?.split(separator: " ").last.flatMap { Int($0) } ?? 0) > 0, "\(String(describing: firstBytes))")
    #expect(text.contains("mediabatch_items_total{status=\"downloaded\"}"))
  }

  @Test("--metrics-port is checked")
  func invalidPort() async throws {
    let refused = try await ChildProcess.run(binary, ["run", "--metrics-port", "70000"])
    #expect(refused.status == 2 && refused.error.contains("--metrics-port must be 0–65535"), "\(refused.error)")
  }
}
