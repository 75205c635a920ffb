import Foundation
import HummingbirdTesting
import Logging
import Synchronization
import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Testing

@Suite("API security", .timeLimit(.minutes(15)))
struct SecurityTests {
  @Test("with a token set, every API call needs it; the health check and the dashboard do not")
  func tokenRequired() async throws {
    let harness = try ServerHarness.demo(users: 2, token: "s3cret-token")
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await client.execute(uri: "/batch-process-status", method: .get) { response in
        #expect(response.status == .unauthorized)
        #expect(response.errorCode == "unauthorized")
        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
      }
      try await client.execute(uri: "/batch-process-status", method: .get, headers: [.authorization: "Bearer wrong"]) {
        #expect($0.status == .unauthorized)
      }
      try await client.post(uri: "/batch-process-users", headers: [.authorization: "Basic s3cret-token"]) {
        #expect($0.status == .unauthorized)
      }
      try await client.execute(uri: "/jobs", method: .get, headers: [.authorization: "Bearer s3cret-token"]) {
        #expect($0.status == .ok)
      }
      try await client.execute(uri: "/batch-process-events?access_token=wrong", method: .get) { #expect($0.status == .unauthorized) }
      try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
      try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok) }
    }
  }

  @Test("listening beyond loopback without a token is refused at start, with a message saying what to do")
  func nonLoopbackNeedsAToken() throws {
    #expect(throws: ServerConfigurationError.self) { try ServerConfiguration(host: "0.0.0.0", port: 8000).validate() }
    #expect(throws: ServerConfigurationError.self) { try ServerConfiguration(host: "192.0.2.10", port: 8000, apiToken: "").validate() }
    do {
      try ServerConfiguration(host: "0.0.0.0").validate()
    } catch {
      #expect(error.description.contains("MEDIABATCH_API_TOKEN"))
    }
    try ServerConfiguration(host: "0.0.0.0", apiToken: "t").validate()
    try ServerConfiguration(host: "127.0.0.1").validate()
    try ServerConfiguration(host: "localhost").validate()
    try ServerConfiguration(host: "::1").validate()
  }

  @Test("the dashboard: index.html is never cached, hashed assets are cached for good, an unknown page is a JSON 404")
  func dashboardFiles() async throws {
    let harness = try ServerHarness.demo(users: 1)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      let page = try await client.execute(uri: "/", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
        #expect(response.headers[.cacheControl] == "no-cache")
        return String(buffer: response.body)
      }
      try await client.execute(uri: "/history/123", method: .get) { #expect($0.errorCode == "not_found") }
      let asset = page.split(separator: "\"").first { $0.hasPrefix("/assets/") }.map(String.init)
      let path = try #require(asset, "index.html names no hashed asset")
      try await client.execute(uri: path, method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.cacheControl]?.contains("immutable") == true)
      }
    }
  }

  @Test("the API token never reaches the log, whether it is right, wrong, in the header or in the query")
  func tokenIsNeverLogged() async throws {
    let secret = "never-log-me-41c2"
    let lines = CapturedLog()
    var logger = Logger(label: "mediabatch") { _ in lines }
    logger.logLevel = .trace
    let harness = try ServerHarness.demo(users: 3, token: secret)
    defer { harness.directory.remove() }
    try await harness.application(logger: logger).test(.router) { client in
      for uri in ["/batch-process-status?access_token=\(secret)", "/jobs?access_token=\(secret)x", "/jobs/\(secret)", "/%2F\(secret)"] {
        _ = try await client.execute(uri: uri, method: .get)
        _ = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(secret)"])
      }
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users", headers: [.authorization: "Bearer \(secret)"])
      }
    }
    #expect(!lines.text.isEmpty, "nothing was logged, so the check proves nothing")
    #expect(!lines.text.contains(secret))
  }
}

/// Every log line and its metadata, as text.
final class CapturedLog: LogHandler, Sendable {
  private let lines = Mutex<[String]>([])
  var text: String { lines.withLock { $0.joined(separator: "\n") } }

  var metadata: Logger.Metadata {
    get { [:] }
    set {}
  }
  var logLevel: Logger.Level {
    get { .trace }
    set {}
  }
  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { nil }
    set {}
  }

  func log(event: LogEvent) {
    lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
  }
}
