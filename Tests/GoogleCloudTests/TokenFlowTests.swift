import AsyncHTTPClient
import Foundation
import GoogleCloud
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaBatchCore
import MediaBatchFirebase
import Synchronization
import Testing
import Toolbox
import _CryptoExtras

@Suite("Access tokens on the wire", .timeLimit(.minutes(15)))
struct TokenFlowTests {
  /// A token source that holds its one fetch open until released, and counts fetches.
  final class GatedTokenSource: AccessTokenSource {
    let fetches = Mutex(0)
    let started: AsyncStream<Void>
    private let startedContinuation: AsyncStream<Void>.Continuation
    private let release = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init() {
      (started, startedContinuation) = AsyncStream.makeStream()
    }

    var description: String { "a gated test source" }

    func fetchToken(using http: HTTPClient) async throws -> AccessToken {
      let number = fetches.withLock { count in
        count += 1
        return count
      }
      await withCheckedContinuation { continuation in
        release.withLock { $0 = continuation }
        startedContinuation.yield()
      }
      return AccessToken(value: "token-\(number)", refreshAt: nil)
    }

    func open() {
      release.withLock { continuation in
        continuation?.resume()
        continuation = nil
      }
    }
  }

  @Test("fifty callers at once cause one token fetch, and all get its token")
  func singleFlight() async throws {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let source = GatedTokenSource()
    let cache = TokenCache(source: source, http: http)
    let tokens = try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<50 { group.addTask { try await cache.token() } }
      var started = source.started.makeAsyncIterator()
      _ = await started.next()
      while await cache.waitingCount < 49 { await Task.yield() }
      source.open()
      var tokens: [String] = []
      for try await token in group { tokens.append(token) }
      return tokens
    }
    #expect(tokens == Array(repeating: "token-1", count: 50))
    #expect(await cache.fetchCount == 1)
    try await http.shutdown()
  }

  /// A stand-in for Google's token endpoint and Cloud Storage, speaking their wire formats: it checks the JWT
  /// assertion's signature and claims, and serves an object only to the second token it handed out.
  static func fakeGoogle(publicKey: _RSA.Signing.PublicKey, acceptedToken: String?) -> some ApplicationProtocol {
    let issued = Mutex(0)
    let router = Router()
    router.post("/token") { request, _ -> Response in
      var request = request
      let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
      let form = Dictionary(
        uniqueKeysWithValues: body.split(separator: "&").map { pair in
          let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
          return (parts[0], parts.count > 1 ? parts[1] : "")
        }
      )
      let segments = (form["assertion"] ?? "").split(separator: ".")
      guard form["grant_type"] == GoogleOAuth.jwtBearerGrantType, segments.count == 3,
        let signed = Base64.decode(segments[2]),
        publicKey.isValidSignature(
          _RSA.Signing.RSASignature(rawRepresentation: signed), for: Array((segments[0] + "." + segments[1]).utf8),
          padding: .insecurePKCS1v1_5)
      else {
        return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_grant"}"#)))
      }
      let number = issued.withLock { count in
        count += 1
        return count
      }
      let answer = #"{"access_token":"token-\#(number)","expires_in":3599,"token_type":"Bearer"}"#
      return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
    router.post("/refresh") { request, _ -> Response in
      // gcloud's user login: a refresh-token grant, form-encoded.
      var request = request
      let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
      guard body.contains("grant_type=refresh_token"), body.contains("refresh_token=refresh-1"), body.contains("client_id=client-1") else {
        return Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"invalid_grant"}"#)))
      }
      let answer = #"{"access_token":"user-token","expires_in":3599,"token_type":"Bearer"}"#
      return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
    router.get("/computeMetadata/v1/instance/service-accounts/default/token") { request, _ -> Response in
      guard let flavor = HTTPField.Name("Metadata-Flavor"), request.headers[flavor] == "Google" else {
        return Response(status: .forbidden)
      }
      var headers = HTTPFields()
      headers[flavor] = "Google"
      let answer = #"{"access_token":"metadata-token","expires_in":3599,"token_type":"Bearer"}"#
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
    router.get("/computeMetadata/v1/project/project-id") { request, _ -> Response in
      var headers = HTTPFields()
      if let flavor = HTTPField.Name("Metadata-Flavor") { headers[flavor] = "Google" }
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "demo-project")))
    }
    router.get("/storage/v1/b/bucket/o/photo.jpg") { request, _ -> Response in
      guard let acceptedToken, request.headers[.authorization] == "Bearer " + acceptedToken else {
        let error = #"{"error":{"code":401,"message":"Invalid Credentials","status":"UNAUTHENTICATED"}}"#
        return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: error)))
      }
      let bytes = Array("a photo".utf8)
      let crc = CRC32C.checksum(bytes)
      let hash = Base64.encode([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) })
      var headers = HTTPFields()
      headers[.contentType] = "image/jpeg"
      if let name = HTTPField.Name("x-goog-hash") { headers[name] = "crc32c=\(hash)" }
      if let name = HTTPField.Name("x-goog-generation") { headers[name] = "1700000000000001" }
      return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  static func storage(port: Int, http: HTTPClient) throws -> (CloudStorageClient, TokenCache) {
    let key = try ServiceAccountKey(json: AuthTests.keyFile(["token_uri": .string("http://127.0.0.1:\(port)/token")]), file: "key.json")
    let cache = TokenCache(source: ServiceAccountTokenSource(key: key), http: http)
    return (CloudStorageClient(http: GoogleHTTP(client: http, authorization: .tokens(cache)), baseURL: "http://127.0.0.1:\(port)"), cache)
  }

  @Test("a service-account JWT is exchanged for a token; a 401 refreshes it once and the download goes through")
  func refreshOnceOn401() async throws {
    let app = Self.fakeGoogle(publicKey: AuthTests.privateKey.publicKey, acceptedToken: "token-2")
    try await app.test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let (storage, cache) = try Self.storage(port: try #require(client.port), http: http)
      let response = try await CloudStorageStore(client: storage).open(ObjectLocation(bucket: "bucket", object: "photo.jpg"), offset: 0, generation: nil)
      var bytes: [UInt8] = []
      for try await chunk in response.body { bytes += chunk }
      #expect(bytes == Array("a photo".utf8))
      #expect(response.info.crc32c == CRC32C.checksum(bytes))
      #expect(response.info.generation == "1700000000000001")
      #expect(await cache.fetchCount == 2)
      try await http.shutdown()
    }
  }

  @Test("credentials the server keeps refusing fail as unauthenticated after one refresh, not in a loop")
  func refusedCredentials() async throws {
    let app = Self.fakeGoogle(publicKey: AuthTests.privateKey.publicKey, acceptedToken: nil)
    try await app.test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let (storage, cache) = try Self.storage(port: try #require(client.port), http: http)
      do {
        _ = try await CloudStorageStore(client: storage).open(ObjectLocation(bucket: "bucket", object: "photo.jpg"), offset: 0, generation: nil)
        Issue.record("the download should have failed")
      } catch let error as StoreError {
        #expect(error.code == .unauthenticated)
        #expect(!error.isRetryable)
      }
      #expect(await cache.fetchCount == 2)
      try await http.shutdown()
    }
  }

  @Test("gcloud user credentials refresh with their refresh token; the metadata server answers only with its header")
  func userAndMetadataFlows() async throws {
    let app = Self.fakeGoogle(publicKey: AuthTests.privateKey.publicKey, acceptedToken: nil)
    try await app.test(.live) { client in
      let port = try #require(client.port)
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let file = #"{"type":"authorized_user","client_id":"client-1","client_secret":"s","refresh_token":"refresh-1","token_uri":"http://127.0.0.1:\#(port)/refresh"}"#
      guard case .authorizedUser(let credentials) = try GoogleCredentialsFile(json: Array(file.utf8), file: "adc.json") else {
        Issue.record("not read as user credentials")
        return
      }
      #expect(try await AuthorizedUserTokenSource(credentials: credentials).fetchToken(using: http).value == "user-token")
      let metadata = MetadataServerTokenSource(host: "127.0.0.1:\(port)")
      #expect(await metadata.isAvailable(using: http))
      #expect(try await metadata.fetchToken(using: http).value == "metadata-token")
      try await http.shutdown()
    }
  }
}
