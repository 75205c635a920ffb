import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import MediaBatchTesting
import Testing

/// Ctrl-C is prompt in every phase: during a listing page that never comes, and, pressed twice, during downloads.
@Suite("Stopping promptly", .oneAtATime, .timeLimit(.minutes(15)))
struct StopTests {
  /// A Firestore (and Cloud Storage) stand-in that accepts every request and answers none while `silence` is held;
  /// releasing it lets the held requests end, so the server can shut down when the test is over.
  static func silentGoogle(_ silence: Silence) -> some ApplicationProtocol {
    let router = Router()
    for method in [HTTPRequest.Method.get, .post] {
      router.on("**", method: method) { _, _ -> Response in
        await silence.wait()
        return Response(status: .serviceUnavailable)
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
    let started = await child.errorLine(where: { $0.hasPrefix("MediaBatch job") })
    try #require(started != nil, "mediabatch did not start its job: \(child.errorSoFar)")
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

  @Test("Ctrl-C while the listing waits for a page that never comes ends the run without waiting for the grace period, stopped")
  func stopDuringASilentListing() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let silence = Silence()
    defer { silence.release() }
    try await Self.silentGoogle(silence).test(.live) { client in
      defer { silence.release() }
      let port = try #require(client.port)
      let child = try await Self.start(
        ["run", "--source", "firebase", "--stop-grace-seconds", "600", "--output", directory.appending("out")],
        environment: [
          "FIREBASE_PROJECT_ID": "demo-silent", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:\(port)",
          "STORAGE_EMULATOR_HOST": "http://127.0.0.1:\(port)", "FIREBASE_STORAGE_BUCKET": "demo-silent.appspot.com",
        ])
      let signalled = ContinuousClock.now
      child.signal(SIGINT)
      // The grace period is ten minutes: only a stop that cancels the waiting listing at once ends the run in time.
      let ended = try #require(await Self.exit(of: child, within: .seconds(300)), "the run did not end within 300 s of Ctrl-C")
      print("Ctrl-C during the listing: the run ended \(ContinuousClock.now - signalled) after it")
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
    // Downloads at 1 KiB/s, and a grace period of ten minutes: only the second Ctrl-C can end the run in time, however
    // slow a loaded machine makes it.
    let child = try await Self.start([
      "run", "--source", "demo", "--demo-users", "20", "--demo-kib-per-second", "1", "--stop-grace-seconds", "600", "--output", output,
    ])
    child.signal(SIGINT)
    let stopping = await child.errorLine(where: { $0.contains("Press Ctrl-C again") })
    try #require(stopping != nil, "the first Ctrl-C was not taken: \(child.errorSoFar)")
    let signalled = ContinuousClock.now
    child.signal(SIGINT)
    let ended = try #require(await Self.exit(of: child, within: .seconds(300)), "the second Ctrl-C waited for the grace period")
    print("second Ctrl-C: the run ended \(ContinuousClock.now - signalled) after it")
    #expect(ended.status == 1, "stderr: \(ended.error)")
    #expect(ended.output.contains("Status: stopped"), "stdout: \(ended.output)")
    let jobs = try await ChildProcess.run(CLIEndToEndTests.binary, ["jobs", output, "--json"])
    #expect(jobs.output.contains("\"stopped\""), "\(jobs.output)")
    let verify = try await ChildProcess.run(CLIEndToEndTests.binary, ["verify", output])
    #expect(!verify.output.contains("partial"), "a partial file was left: \(verify.output)")
  }
}
