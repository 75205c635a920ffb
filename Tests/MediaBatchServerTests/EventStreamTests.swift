import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import MediaBatchServer
import NIOCore
import Testing

@Suite("Server-Sent Events", .timeLimit(.minutes(15)))
struct EventStreamTests {
  @Test("a live client gets a snapshot at once, then the job's events in order, ending with its final state")
  func liveEventStream() async throws {
    let harness = try ServerHarness.demo(users: 30, edgeCases: true)
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let port = try #require(client.port)
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      do {
        let response = try await http.execute(
          HTTPClientRequest(url: "http://127.0.0.1:\(port)/batch-process-events"), timeout: .seconds(180))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        var parser = SSEParser()
        var body = response.body.makeAsyncIterator()

        let first = try await parser.next(from: &body)
        #expect(first?.event == "snapshot")
        #expect(first?.json["status"] as? String == "idle")

        // Through the same client as the stream, with its generous deadline: on a loaded machine the test client's
        // 20 s may pass before a busy server answers.
        var start = HTTPClientRequest(url: "http://127.0.0.1:\(port)/batch-process-users")
        start.method = .POST
        start.headers.add(name: "Content-Type", value: "application/json")
        try #require(try await http.execute(start, timeout: .seconds(120)).status == .accepted)
        var events: [SSEParser.Event] = []
        while let event = try await parser.next(from: &body) {
          events.append(event)
          if event.event == "job", let status = event.json["status"] as? String, status != "processing", status != "stopping" { break }
        }
        let ids = events.compactMap { $0.id.flatMap(UInt64.init) }
        #expect(ids.count == events.count)
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(events.first?.event == "job")
        #expect(events.last?.json["status"] as? String == "completed_with_errors")
        #expect(events.filter { $0.event == "user" }.count == 34)
        #expect(events.filter { $0.event == "item_failed" }.count == 4)
      } catch {
        try? await http.shutdown()
        throw error
      }
      try await http.shutdown()
    }
  }
}

extension EventStreamTests {
  @Test("beyond the stream limit a client gets 503 with Retry-After; a client that goes frees its slot by the next heartbeat")
  func streamLimitAndDeadClients() async throws {
    let harness = try ServerHarness.demo(users: 2) {
      $0.maxEventStreams = 3
      $0.eventHeartbeat = .milliseconds(50)
    }
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let url = "http://127.0.0.1:\(try #require(client.port))/batch-process-events"
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      try await withThrowingTaskGroup(of: Void.self) { group in
        // Three clients hold their streams open until their task is cancelled, which closes their connections.
        let (opened, openedContinuation) = AsyncStream.makeStream(of: Void.self)
        for _ in 0..<3 {
          group.addTask {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(120))
            var body = response.body.makeAsyncIterator()
            _ = try await body.next()
            openedContinuation.yield()
            while try await body.next() != nil {}
          }
        }
        var openedCount = 0
        for await _ in opened {
          openedCount += 1
          if openedCount == 3 { break }
        }
        let refused = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        #expect(refused.status == .serviceUnavailable)
        #expect(refused.headers.first(name: "retry-after") == "5")
        let body = String(buffer: try await refused.body.collect(upTo: 4_096))
        #expect(body.contains("too_many_event_streams"))

        // act: the clients go
        group.cancelAll()
        while let _ = try? await group.next() {}
      }
      // check: the server notices within a few heartbeats, and lets new clients in
      let deadline = ContinuousClock.now + .seconds(90)
      while harness.engine.events.subscriberCount > 0, ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(20))  // poll interval of a wait on the server's own count, not a timed assumption
      }
      #expect(harness.engine.events.subscriberCount == 0)
      var again = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
      while again.status == .serviceUnavailable, ContinuousClock.now < deadline {
        // The slot is freed as the stream's body returns, just after its subscription ends.
        try await Task.sleep(for: .milliseconds(20))
        again = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
      }
      #expect(again.status == .ok)
      try await http.shutdown()
    }
  }

  @Test("a stream that carries no event for the idle timeout ends, after its first snapshot")
  func idleStreamsEnd() async throws {
    let harness = try ServerHarness.demo(users: 2) {
      $0.eventHeartbeat = .milliseconds(50)
      $0.eventStreamIdleTimeout = .milliseconds(200)
    }
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let response = try await http.execute(
        HTTPClientRequest(url: "http://127.0.0.1:\(try #require(client.port))/batch-process-events"), timeout: .seconds(60))
      // The body ends by itself: collecting it returns.
      let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
      #expect(text.contains("event: snapshot"))
      #expect(text.contains(": keep-alive"))
      try await http.shutdown()
    }
  }
}

/// Splits a Server-Sent Events body into events.
struct SSEParser {
  struct Event {
    var id: String?
    var event: String?
    var data = ""

    var json: [String: Any] {
      (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }
  }

  private var buffer = ""

  /// The next complete event (comments and the retry field skipped); `nil` when the body ends.
  mutating func next(from body: inout HTTPClientResponse.Body.AsyncIterator) async throws -> Event? {
    while true {
      if let range = buffer.range(of: "\n\n") {
        let block = String(buffer[..<range.lowerBound])
        buffer.removeSubrange(..<range.upperBound)
        var event = Event()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
          if line.hasPrefix("id: ") { event.id = String(line.dropFirst(4)) }
          if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
          if line.hasPrefix("data: ") { event.data += String(line.dropFirst(6)) }
        }
        if event.event != nil { return event }
        continue
      }
      guard let chunk = try await body.next() else { return nil }
      buffer += String(buffer: chunk)
    }
  }
}
