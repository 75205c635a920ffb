import AsyncHTTPClient
import Foundation
import MediaBatchTesting
import NIOCore
import Testing

/// `mediabatch serve` under clients that open the event stream and drop it at random while jobs run: the event hub
/// must never hold a lock that a dropped stream's termination also takes while it calls into the concurrency
/// runtime, or both cooperative threads block and the server answers nothing, not even SIGTERM.
@Suite("serve under churning event streams", .oneAtATime, .timeLimit(.minutes(15)))
struct ServeStressTests {
  @Test("hundreds of streams opened and dropped during three jobs: every job finishes, and SIGTERM ends serve within 5 s")
  func churningEventStreams() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let server = ChildProcess(
      executable: CLIEndToEndTests.binary,
      arguments: ["serve", "--source", "demo", "--demo-users", "1000", "--port", "0", "--output", directory.appending("out")],
      environment: ProcessInfo.processInfo.environment.filter { !CLIEndToEndTests.googleVariables.contains($0.key) }
    )
    try server.start()
    let listening = await server.errorLine(where: { $0.contains("listening on") })
    let port = listening?.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }
    let base = "http://127.0.0.1:\(try #require(port, "serve did not start: \(server.errorSoFar)"))"
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(10))))

    var streamsOpened = 0
    for round in 1...3 {
      var start = HTTPClientRequest(url: base + "/batch-process-users")
      start.method = .POST
      start.headers.add(name: "Content-Type", value: "application/json")
      let started = try await http.execute(start, timeout: .seconds(10))
      #expect(started.status == .accepted, "round \(round)")
      _ = try await started.body.collect(upTo: 1 << 16)

      let finished = await withTaskGroup(of: Int.self) { group in
        // Six clients churn: enough to reproduce the old deadlock within a round, without starving the tests that run
        // beside this one on two cores.
        for _ in 0..<6 {
          group.addTask { await Self.churn(base: base, http: http) }
        }
        let finished = await Self.waitForJobToEnd(base: base, http: http, deadline: .now + .seconds(300))
        group.cancelAll()
        while let opened = await group.next() { streamsOpened += opened }
        return finished
      }
      if !finished {
        Self.printStacks(of: server)
        server.signal(SIGKILL)
        _ = await server.wait()
        try await http.shutdown()
        Issue.record("round \(round): the job did not finish within 300 s; the server's threads are printed above")
        return
      }
    }
    #expect(streamsOpened >= 200, "only \(streamsOpened) streams were opened and dropped")

    let signalled = ContinuousClock.now
    server.signal(SIGTERM)
    let exit = await withTaskGroup(of: Duration?.self) { group in
      group.addTask {
        _ = await server.wait()
        return ContinuousClock.now - signalled
      }
      group.addTask {
        try? await Task.sleep(for: .seconds(5))
        return nil
      }
      let first = await group.next() ?? nil
      if first == nil { server.signal(SIGKILL) }
      group.cancelAll()
      await group.waitForAll()
      return first
    }
    #expect(exit != nil, "serve did not exit within 5 s of SIGTERM")
    print("serve under churn: \(streamsOpened) event streams opened and dropped over 3 jobs; exit \(exit.map { "\($0)" } ?? "killed") after SIGTERM")
    try await http.shutdown()
  }

  /// Opens the event stream and drops it after 0–50 ms, again and again until cancelled; returns how many it opened.
  static func churn(base: String, http: HTTPClient) async -> Int {
    var opened = 0
    while !Task.isCancelled {
      let lifetime = Duration.milliseconds(Int.random(in: 0...50))
      await withTaskGroup(of: Void.self) { group in
        group.addTask {
          guard let response = try? await http.execute(HTTPClientRequest(url: base + "/batch-process-events"), timeout: .seconds(10)) else {
            return
          }
          do {
            for try await _ in response.body {}
          } catch {
            return  // dropped: the point of the exercise
          }
        }
        group.addTask {
          // The client's behaviour under test (how long it keeps the stream), not a wait for the server.
          try? await Task.sleep(for: lifetime)
        }
        await group.next()
        group.cancelAll()
      }
      opened += 1
    }
    return opened
  }

  /// Polls the status until the job is no longer active; `false` when the deadline passes first.
  static func waitForJobToEnd(base: String, http: HTTPClient, deadline: ContinuousClock.Instant) async -> Bool {
    while ContinuousClock.now < deadline {
      if let response = try? await http.execute(HTTPClientRequest(url: base + "/batch-process-status"), timeout: .seconds(5)),
        let body = try? await response.body.collect(upTo: 1 << 20),
        let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
        let status = json["status"] as? String, status != "processing", status != "stopping"
      {
        return true
      }
      try? await Task.sleep(for: .milliseconds(200))  // poll interval; the deadline bounds the wait
    }
    return false
  }

  /// Every thread's stack, for the log of a failed run.
  static func printStacks(of server: ChildProcess) {
    let gdb = Process()
    gdb.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    gdb.arguments = [
      "60", "gdb", "-nx", "-iex", "set debuginfod enabled off", "-p", "\(server.process.processIdentifier)", "-batch", "-ex",
      "thread apply all bt",
    ]
    gdb.standardInput = FileHandle.nullDevice
    try? gdb.run()
    gdb.waitUntilExit()
  }
}

extension Data {
  init(buffer: ByteBuffer) {
    self.init(buffer.readableBytesView)
  }
}
