import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import MediaBatchServer
import NIOCore
import NIOHTTP1
import Testing

/// What a web page the operator happens to visit can do to a server on loopback: nothing. A `Host` the server does
/// not answer to (DNS rebinding) is refused, and a request that changes state needs a JSON body type (which a page
/// cannot send to another origin without asking first) and, when it names an `Origin`, the server's own.
@Suite("Safe in a browser", .timeLimit(.minutes(15)))
struct BrowserSafetyTests {
  /// One request over a real socket, with the headers a browser would send.
  static func send(
    _ method: HTTPMethod, port: Int, path: String, headers: [(String, String)] = [], body: String? = nil
  ) async throws -> (status: Int, body: String, headers: HTTPHeaders) {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    // One connection per request: a connection the server closes after refusing a request is never picked up again
    // from the pool while it closes.
    request.headers.add(name: "Connection", value: "close")
    if let body { request.body = .bytes(ByteBuffer(string: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: bytes), response.headers)
  }

  @Test("a Host the server does not answer to gets 421, on every route, open ones included")
  func foreignHostIsRefused() async throws {
    let harness = try ServerHarness.demo(users: 2)
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let port = try #require(client.port)
      for host in ["attacker.example", "attacker.example:\(port)", "127.0.0.1.nip.io:\(port)", "localhost:\(port + 1)", "[::2]:\(port)", "bad host"] {
        for path in ["/batch-process-results", "/healthz", "/", "/jobs"] {
          let answer = try await Self.send(.GET, port: port, path: path, headers: [("Host", host)])
          #expect(answer.status == 421, "Host \(host) \(path)")
          #expect(answer.body.contains("\"host_not_allowed\""))
        }
        let start = try await Self.send(
          .POST, port: port, path: "/batch-process-users", headers: [("Host", host), ("Content-Type", "application/json")])
        #expect(start.status == 421)
      }
      for host in ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)", "LOCALHOST:\(port)"] {
        #expect(try await Self.send(.GET, port: port, path: "/healthz", headers: [("Host", host)]).status == 200, "\(host)")
      }
      try await client.execute(uri: "/batch-process-status", method: .get) { #expect($0.json["status"] as? String == "idle") }
    }
  }

  @Test("--allowed-host names are answered, with any port when the name has none, and the exact port when it has one")
  func allowedHosts() async throws {
    let harness = try ServerHarness.demo(users: 2) { $0.allowedHosts = ["mediabatch.test", "proxy.test:8443"] }
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let port = try #require(client.port)
      for (host, status) in [
        ("mediabatch.test", 200), ("mediabatch.test:\(port)", 200), ("MediaBatch.Test:9", 200), ("proxy.test:8443", 200),
        ("proxy.test", 421), ("proxy.test:\(port)", 421), ("other.test", 421),
      ] {
        #expect(try await Self.send(.GET, port: port, path: "/healthz", headers: [("Host", host)]).status == status, "\(host)")
      }
      let origin = try await Self.send(
        .POST, port: port, path: "/batch-process-stop",
        headers: [("Host", "mediabatch.test"), ("Origin", "https://mediabatch.test"), ("Content-Type", "application/json")])
      #expect(origin.status == 409, "a page of an allowed host may change state")
    }
  }

  @Test("a request that changes state needs Content-Type: application/json (415) and no foreign Origin (403)")
  func stateChangesNeedJSONFromTheServersOwnPages() async throws {
    let harness = try ServerHarness.demo(users: 2)
    defer { harness.directory.remove() }
    try await harness.application().test(.live) { client in
      let port = try #require(client.port)
      let own = "http://127.0.0.1:\(port)"
      let cases: [(headers: [(String, String)], status: Int, code: String)] = [
        ([("Content-Type", "text/plain")], 415, "unsupported_media_type"),
        ([("Content-Type", "application/x-www-form-urlencoded")], 415, "unsupported_media_type"),
        ([("Content-Type", "multipart/form-data; boundary=x")], 415, "unsupported_media_type"),
        ([], 415, "unsupported_media_type"),
        ([("Content-Type", "text/plain"), ("Origin", "http://attacker.example")], 403, "forbidden_origin"),
        ([("Content-Type", "application/json"), ("Origin", "http://attacker.example")], 403, "forbidden_origin"),
        ([("Content-Type", "application/json"), ("Origin", "null")], 403, "forbidden_origin"),
        ([("Content-Type", "application/json"), ("Origin", "http://localhost:\(port + 1)")], 403, "forbidden_origin"),
        ([("Content-Type", "application/json"), ("Origin", "file://")], 403, "forbidden_origin"),
      ]
      for path in ["/batch-process-users", "/batch-process-stop"] {
        for (headers, status, code) in cases {
          let answer = try await Self.send(.POST, port: port, path: path, headers: headers, body: "{}")
          #expect(answer.status == status, "\(path) \(headers)")
          #expect(answer.body.contains("\"\(code)\""), "\(path) \(headers): \(answer.body)")
          #expect(answer.headers["Access-Control-Allow-Origin"].isEmpty)
        }
      }
      try await client.execute(uri: "/batch-process-status", method: .get) { #expect($0.json["status"] as? String == "idle") }
      // The dashboard's own requests.
      let stop = try await Self.send(
        .POST, port: port, path: "/batch-process-stop", headers: [("Content-Type", "application/json"), ("Origin", own)])
      #expect(stop.status == 409)
      let start = try await Self.send(
        .POST, port: port, path: "/batch-process-users",
        headers: [("Content-Type", "application/json; charset=utf-8"), ("Origin", "http://localhost:\(port)")], body: #"{"dry_run": true}"#)
      #expect(start.status == 202)
      // A pre-flight is not answered with any CORS permission.
      let preflight = try await Self.send(
        .OPTIONS, port: port, path: "/batch-process-users",
        headers: [("Origin", "http://attacker.example"), ("Access-Control-Request-Method", "POST")])
      #expect(preflight.headers["Access-Control-Allow-Origin"].isEmpty && preflight.headers["Access-Control-Allow-Methods"].isEmpty)
    }
  }
}
