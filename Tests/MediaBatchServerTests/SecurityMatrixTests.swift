import Foundation
import HTTPTypes
import HummingbirdTesting
import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Testing

/// Every route × who is asking × how the path is spelled × method → the status the server must answer. Paths are
/// made canonical before anything else looks at them, so no spelling reaches a route without its check.
@Suite("API security matrix", .timeLimit(.minutes(15)))
struct SecurityMatrixTests {
  static let token = "matrix-token-7f3c"

  /// A route and what it answers a caller who may use it.
  struct Route: Sendable, CustomTestStringConvertible {
    enum Access: Sendable { case open, token, tokenOrQuery, unknown }
    var path: String
    var access: Access
    /// Status for each method the route takes, when the caller may use it.
    var answers: [HTTPRequest.Method: Int]

    var testDescription: String { path }
  }

  static let routes: [Route] = [
    Route(path: "/batch-process-users", access: .token, answers: [.post: 400]),  // an unknown field: the handler ran
    Route(path: "/batch-process-stop", access: .token, answers: [.post: 409]),  // no job is running
    Route(path: "/batch-process-status", access: .token, answers: [.get: 200]),
    Route(path: "/batch-process-results", access: .token, answers: [.get: 200]),
    Route(path: "/batch-process-events", access: .tokenOrQuery, answers: [.get: 200]),
    Route(path: "/jobs", access: .token, answers: [.get: 200]),
    Route(path: "/jobs/no-such-job", access: .token, answers: [.get: 404]),
    Route(path: "/jobs/no-such-job/users", access: .token, answers: [.get: 404]),
    Route(path: "/jobs/no-such-job/items", access: .token, answers: [.get: 404]),
    Route(path: "/metrics", access: .token, answers: [.get: 200]),
    Route(path: "/exports/users", access: .token, answers: [.get: 200]),
    Route(path: "/exports/users/no-such-user", access: .token, answers: [.get: 404]),
    Route(path: "/exports/users/no-such-user/files/x", access: .tokenOrQuery, answers: [.get: 404]),
    Route(path: "/healthz", access: .open, answers: [.get: 200]),
    Route(path: "/openapi.yaml", access: .open, answers: [.get: 200]),
    Route(path: "/", access: .open, answers: [.get: 200]),
    Route(path: "/index.html", access: .open, answers: [.get: 200]),
    Route(path: "/no-such-page", access: .unknown, answers: [:]),
    Route(path: "/batch-process", access: .unknown, answers: [:]),
  ]

  enum Credential: String, CaseIterable, Sendable {
    case none, wrongToken, rightToken, tokenInQuery
  }

  /// The spellings of one path: the same path once made canonical (`refused: nil`), or refused with a status.
  static func spellings(of path: String) -> [(name: String, path: String, refused: Int?)] {
    let first = path.dropFirst().first
    let escaped = first.map { "/%" + String(format: "%02X", $0.asciiValue ?? 0) + path.dropFirst(2) } ?? path
    return [
      ("canonical", path, nil),
      ("double slash", "/" + path, nil),
      ("escaped letter", escaped, nil),
      ("dot segment", "/." + path, 404),
      ("dot-dot segment", "/x/.." + path, 404),
      ("encoded dot-dot", "/x/%2E%2E" + path, 404),
      ("encoded slash", "/%2F" + path.dropFirst(), 404),
      ("trailing slash", path == "/" ? "//" : path + "/", path == "/" ? nil : 404),
    ]
  }

  static let methods: [HTTPRequest.Method] = [.get, .head, .post, .options]

  /// What the server must answer; `nil` where the answer is an endless event stream, which the live tests cover.
  static func expected(_ route: Route, credential: Credential, refused: Int?, method: HTTPRequest.Method, tokenSet: Bool) -> Int? {
    if let refused { return refused }
    if route.access == .unknown { return 404 }
    let authorised =
      switch (route.access, credential) {
      case (.open, _), (_, .rightToken): true
      case (.tokenOrQuery, .tokenInQuery): true
      default: !tokenSet
      }
    guard authorised else { return 401 }
    if method == .options { return 204 }
    let get = route.answers[.get]
    if let status = route.answers[method] {
      return route.access == .tokenOrQuery && method == .get ? nil : status
    }
    if method == .head, let get { return get }
    return 405
  }

  @Test("every route, credential, path spelling and method gets the expected status", arguments: [true, false], routes)
  func matrix(tokenSet: Bool, route: Route) async throws {
    let harness = try ServerHarness.demo(users: 2, token: tokenSet ? Self.token : nil)
    defer { harness.directory.remove() }
    let (checked, mismatches) = try await harness.application().test(.router) { client in
      var mismatches: [String] = []
      var checked = 0
      for credential in Credential.allCases {
        for spelling in Self.spellings(of: route.path) {
          for method in Self.methods {
            guard
              let want = Self.expected(route, credential: credential, refused: spelling.refused, method: method, tokenSet: tokenSet)
            else { continue }
            var headers: HTTPFields = [:]
            var uri = spelling.path
            switch credential {
            case .none: break
            case .wrongToken: headers[.authorization] = "Bearer not-\(Self.token)"
            case .rightToken: headers[.authorization] = "Bearer \(Self.token)"
            case .tokenInQuery: uri += "?access_token=\(Self.token)"
            }
            if method == .post { headers[.contentType] = "application/json" }
            let body = method == .post && route.path == "/batch-process-users" ? ByteBuffer(string: #"{"everything": true}"#) : nil
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
            checked += 1
            if response.status.code != want {
              mismatches.append("\(method) \(uri) [\(credential)]: \(response.status.code), expected \(want)")
            }
            if response.status.code >= 400, method != .head {
              if response.errorCode == nil { mismatches.append("\(method) \(uri) [\(credential)]: a \(response.status.code) without the JSON error shape") }
            }
            if want == 401, response.headers[.wwwAuthenticate] == nil {
              mismatches.append("\(method) \(uri) [\(credential)]: a 401 without WWW-Authenticate")
            }
          }
        }
      }
      return (checked, mismatches)
    }
    #expect(checked > 0)
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked):\n\(mismatches.prefix(40).joined(separator: "\n"))")
  }

  @Test("GET //metrics, //jobs, //batch-process-results and POST //batch-process-users need the token")
  func doubleSlashBypassIsClosed() async throws {
    let harness = try ServerHarness.demo(users: 2, token: Self.token)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      for path in ["//metrics", "//jobs", "//batch-process-results", "//batch-process-status", "///jobs", "/%6Aobs", "//batch-process-events"] {
        try await client.execute(uri: path, method: .get) { #expect($0.status == .unauthorized, "\(path)") }
      }
      for path in ["//batch-process-users", "//batch-process-stop", "/%62atch-process-users"] {
        try await client.post(uri: path) { #expect($0.status == .unauthorized, "\(path)") }
      }
      try await client.execute(uri: "/batch-process-status", method: .get, headers: [.authorization: "Bearer \(Self.token)"]) {
        #expect($0.json["status"] as? String == "idle", "no job was started")
      }
    }
  }

  @Test("?access_token= is taken by the event stream only; elsewhere only the header counts")
  func queryTokenOnlyOnTheEventStream() async throws {
    let harness = try ServerHarness.demo(users: 2, token: Self.token)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      for path in ["/jobs", "/batch-process-status", "/batch-process-results", "/metrics"] {
        try await client.execute(uri: "\(path)?access_token=\(Self.token)", method: .get) { #expect($0.status == .unauthorized, "\(path)") }
      }
      try await client.post(uri: "/batch-process-users?access_token=\(Self.token)") { #expect($0.status == .unauthorized) }
      try await client.execute(uri: "/batch-process-events?access_token=\(Self.token)", method: .head) { #expect($0.status == .ok) }
    }
  }
}
