import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import Toolbox

@testable import GoogleCloud

/// A stand-in on loopback for Google's token endpoint, IAM Credentials, Firestore and Cloud Storage, speaking their
/// wire formats and recording every request, for tests of what the clients send.
final class GoogleStandIn: Sendable {
  /// One request as the stand-in received it.
  struct Request: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var authorization: String?
    var userProject: String?
    var body: [UInt8]

    var json: JSONValue? { try? JSONValue(parsing: body) }
  }

  /// How IAM Credentials answers its next request.
  enum IAMAnswer: Sendable {
    case token
    case error(status: Int, rpcStatus: String, message: String)
    case body(String)
  }

  let requests = Mutex<[Request]>([])
  /// Bearer tokens the stand-in answers with 401, as Google does for expired or revoked ones.
  let refusedTokens = Mutex<Set<String>>([])
  /// IAM Credentials' next answers, first first; a token once they run out.
  let iamAnswers = Mutex<[IAMAnswer]>([])
  private let issued = Mutex(0)

  static let objectBytes = Array("a photo".utf8)

  func recorded(_ isIncluded: (Request) -> Bool = { _ in true }) -> [Request] {
    requests.withLock { $0.filter(isIncluded) }
  }

  /// The environment that sends every Google call here.
  static func environment(port: Int, credentialsFile: String?) -> GoogleCloudEnvironment {
    var environment = GoogleCloudEnvironment(projectID: "p", credentialsFile: credentialsFile)
    let base = "http://127.0.0.1:\(port)"
    environment.endpoints = GoogleEndpoints(firestore: base + "/v1", storage: base, iamCredentials: base + "/v1")
    return environment
  }

  /// Writes `json` to a new file in the temporary folder and returns its path.
  static func file(_ json: String) throws -> String {
    let path = NSTemporaryDirectory() + "/mediabatch-credentials-\(UUID().uuidString).json"
    try Data(json.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func nextNumber() -> Int {
    issued.withLock { count in
      count += 1
      return count
    }
  }

  func application() -> some ApplicationProtocol {
    let router = Router()
    router.on("**", method: .post) { request, _ in try await self.answer(request) }
    router.on("**", method: .get) { request, _ in try await self.answer(request) }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  private func answer(_ request: Hummingbird.Request) async throws -> Response {
    var request = request
    let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
    var query: [String: String] = [:]
    for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
    let path = request.uri.path
    let userProject = HTTPField.Name("x-goog-user-project").flatMap { request.headers[$0] }
    let authorization = request.headers[.authorization]
    requests.withLock {
      $0.append(
        Request(
          method: request.method.rawValue, path: path, query: query, authorization: authorization, userProject: userProject, body: body))
    }
    if path == "/token" { return tokenEndpoint(String(decoding: body, as: UTF8.self)) }
    guard let authorization, authorization.hasPrefix("Bearer "),
      !refusedTokens.withLock({ $0.contains(String(authorization.dropFirst(7))) })
    else {
      return Self.json(
        #"{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}"#, status: 401)
    }
    if path.hasSuffix(":generateAccessToken") { return iamCredentials() }
    if path.hasSuffix(":runQuery") {
      let root = String(path.dropFirst(4).dropLast(":runQuery".count))
      return Self.json(#"[{"document":{"name":"\#(root)/email_users/u1","fields":{}},"readTime":"2025-01-01T00:00:00Z"}]"#)
    }
    if path.hasSuffix(":batchGet") {
      let names = body.isEmpty ? [] : (try JSONValue(parsing: body))["documents"]?.arrayValue ?? []
      let found = names.compactMap(\.stringValue).map { #"{"found":{"name":"\#($0)","fields":{}},"readTime":"2025-01-01T00:00:00Z"}"# }
      return Self.json("[" + found.joined(separator: ",") + "]")
    }
    return storage(path: path, query: query)
  }

  private func tokenEndpoint(_ form: String) -> Response {
    let prefix = form.contains("grant_type=refresh_token") ? "user-token" : "sa-token"
    return Self.json(#"{"access_token":"\#(prefix)-\#(nextNumber())","expires_in":3599,"token_type":"Bearer"}"#)
  }

  private func iamCredentials() -> Response {
    let answer = iamAnswers.withLock { $0.isEmpty ? IAMAnswer.token : $0.removeFirst() }
    switch answer {
    case .token:
      let formatter = ISO8601DateFormatter()
      let expires = formatter.string(from: Date().addingTimeInterval(3600))
      return Self.json(#"{"accessToken":"acting-\#(nextNumber())","expireTime":"\#(expires)"}"#)
    case .error(let status, let rpcStatus, let message):
      return Self.json(#"{"error":{"code":\#(status),"message":"\#(message)","status":"\#(rpcStatus)"}}"#, status: status)
    case .body(let text):
      return Self.json(text)
    }
  }

  private func storage(path: String, query: [String: String]) -> Response {
    switch path {
    case "/storage/v1/b/bucket/o/photo.jpg" where query["alt"] == "media":
      let crc = CRC32C.checksum(Self.objectBytes)
      var headers = HTTPFields()
      if let name = HTTPField.Name("x-goog-hash") {
        headers[name] = "crc32c=" + Base64.encode([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) })
      }
      if let name = HTTPField.Name("x-goog-generation") { headers[name] = "5" }
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Self.objectBytes)))
    case "/storage/v1/b/bucket/o/photo.jpg":
      return Self.json(#"{"bucket":"bucket","name":"photo.jpg","generation":"5","size":"7"}"#)
    case "/storage/v1/b/bucket/o":
      return Self.json(#"{"items":[{"name":"photo.jpg","generation":"5"}]}"#)
    case "/storage/v1/b/bucket":
      return Self.json(#"{"name":"bucket"}"#)
    default:
      return Self.json(#"{"error":{"code":404,"message":"No such object","status":"NOT_FOUND"}}"#, status: 404)
    }
  }

  static func json(_ text: String, status: Int = 200) -> Response {
    Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
  }
}
