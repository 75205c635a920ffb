import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import MediaBatchServer
import NIOCore
import Testing

@Suite("Server-Sent Events")
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
          HTTPClientRequest(url: "http://127.0.0.1:\(port)/batch-process-events"), timeout: .seconds(60))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        var parser = SSEParser()
        var body = response.body.makeAsyncIterator()

        let first = try await parser.next(from: &body)
        #expect(first?.event == "snapshot")
        #expect(first?.json["status"] as? String == "idle")

        try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
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
