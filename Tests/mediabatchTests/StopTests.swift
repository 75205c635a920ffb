import Foundation
import Hummingbird
import HummingbirdTesting
import MediaBatchTesting
import Testing

/// Ctrl-C is prompt in every phase: during a listing page that never comes, and, pressed twice, during downloads.
@Suite("Stopping promptly")
struct StopTests {
  /// A Firestore (and Cloud Storage) stand-in that accepts every request and never answers it.
  static func silentGoogle() -> some ApplicationProtocol {
    let router = Router()
    for method in [HTTPRequest.Method.get, .post] {
      router.on("**", method: method) { _, _ -> Response in
        try await Task.sleep(for: .seconds(3_600))
        return Response(status: .ok)
      }
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  /// Starts `mediabatch` with `arguments`, waits for its first line of progress, and returns it.
  static func start(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess {
    var base = ProcessInfo.processInfo.environment.filter { !CLIEndToEndTests.googleVariables.contains($0.key) }
    base.merge(environment) { $1 }
    let child = ChildProcess(executable: CLIEndToEndTests.binary, arguments: arguments, environment: base)
    try child.start()
    for await line in child.errorLines where line.hasPrefix("MediaBatch job") { break }
    return child
  }

  /// Waits for the process, at most `limit`; `nil` (and the process killed) when it is still running then.
  static func exit(of child: ChildProcess, within limit: Duration) async -> (status: Int32, output: String, error: String)? {
    await withTaskGroup(of: (status: Int32, output: String, error: String)?.self) { group in
      group.addTask { await child.wait() }
      group.addTask {
        try? await Task.sleep(for: limit)
        return nil
      }
      let first = await group.next() ?? nil
      if first == nil { child.signal(SIGKILL) }
      group.cancelAll()
      await group.waitForAll()
      return first
    }
  }

  @Test("Ctrl-C while the listing waits for a page that never comes ends the run within the grace period, stopped")
  func stopDuringASilentListing() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try await Self.silentGoogle().test(.live) { client in
      let port = try #require(client.port)
      let child = try await Self.start(
        ["run", "--source", "firebase", "--output", directory.appending("out")],
        environment: [
          "FIREBASE_PROJECT_ID": "demo-silent", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:\(port)",
          "STORAGE_EMULATOR_HOST": "http://127.0.0.1:\(port)", "FIREBASE_STORAGE_BUCKET": "demo-silent.appspot.com",
        ])
      let signalled = ContinuousClock.now
      child.signal(SIGINT)
      let ended = try #require(await Self.exit(of: child, within: .seconds(20)), "the run did not end within 20 s of Ctrl-C")
      #expect(ContinuousClock.now - signalled < .seconds(10))
      #expect(ended.status == 1, "stderr: \(ended.error)")
      #expect(ended.output.contains("Status: stopped"), "stdout: \(ended.output)")
    }
  }

  @Test("a second Ctrl-C during slow downloads stops at once, without the grace period; the job is recorded stopped")
  func secondControlCStopsAtOnce() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("out")
    // Downloads at 1 KiB/s: none finishes within the grace period.
    let child = try await Self.start(["run", "--source", "demo", "--demo-users", "20", "--demo-kib-per-second", "1", "--output", output])
    child.signal(SIGINT)
    for await line in child.errorLines where line.contains("Press Ctrl-C again") { break }
    let signalled = ContinuousClock.now
    child.signal(SIGINT)
    let ended = try #require(await Self.exit(of: child, within: .seconds(20)), "the run did not end within 20 s")
    #expect(ContinuousClock.now - signalled < .seconds(3), "the second Ctrl-C waited for the grace period")
    #expect(ended.status == 1, "stderr: \(ended.error)")
    #expect(ended.output.contains("Status: stopped"), "stdout: \(ended.output)")
    let jobs = try await ChildProcess.run(CLIEndToEndTests.binary, ["jobs", output, "--json"])
    #expect(jobs.output.contains("\"stopped\""), "\(jobs.output)")
    let verify = try await ChildProcess.run(CLIEndToEndTests.binary, ["verify", output])
    #expect(!verify.output.contains("partial"), "a partial file was left: \(verify.output)")
  }
}
