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

/// A token endpoint or metadata server that is busy for a moment is asked again, like every Google call; only an
/// answer that says the credentials are bad is final.
@Suite("Token sources retry transient failures", .timeLimit(.minutes(15)))
struct TokenRetryTests {
  /// Answers token requests with the scripted statuses first, then with a token.
  /// How many requests a stand-in has had.
  final class Counter: Sendable {
    let count = Mutex(0)
  }

  static func flakyEndpoints(statuses: [Int], counter: Counter) -> some ApplicationProtocol {
    let script = statuses
    let router = Router()
    @Sendable func next() -> Int? {
      counter.count.withLock { count in
        defer { count += 1 }
        return count < script.count ? script[count] : nil
      }
    }
    router.post("/token") { _, _ -> Response in
      if let status = next() {
        return Response(status: .init(code: status), body: .init(byteBuffer: ByteBuffer(string: #"{"error":"busy"}"#)))
      }
      let answer = #"{"access_token":"fresh","expires_in":3599,"token_type":"Bearer"}"#
      return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
    router.get("/computeMetadata/v1/instance/service-accounts/default/token") { _, _ -> Response in
      if let status = next() { return Response(status: .init(code: status)) }
      let answer = #"{"access_token":"metadata-fresh","expires_in":3599,"token_type":"Bearer"}"#
      return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: answer)))
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  static func serviceAccount(tokenURI: String) throws -> ServiceAccountTokenSource {
    ServiceAccountTokenSource(key: try ServiceAccountKey(json: AuthTests.keyFile(["token_uri": .string(tokenURI)]), file: "key.json"))
  }

  @Test("503, 429 and 500 from the token endpoint are retried until it answers")
  func busyTokenEndpoint() async throws {
    let counter = Counter()
    try await Self.flakyEndpoints(statuses: [503, 429, 500], counter: counter).test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let cache = TokenCache(
        source: try Self.serviceAccount(tokenURI: "http://127.0.0.1:\(try #require(client.port))/token"), http: http, retryDelay: .zero)
      #expect(try await cache.token() == "fresh")
      #expect(await cache.fetchCount == 4)
      try await http.shutdown()
    }
  }

  @Test("a metadata server answering 500, then 503, is asked again")
  func busyMetadataServer() async throws {
    let counter = Counter()
    try await Self.flakyEndpoints(statuses: [500, 503], counter: counter).test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let cache = TokenCache(source: MetadataServerTokenSource(host: "127.0.0.1:\(try #require(client.port))"), http: http, retryDelay: .zero)
      #expect(try await cache.token() == "metadata-fresh")
      #expect(await cache.fetchCount == 3)
      try await http.shutdown()
    }
  }

  @Test("400 invalid_grant is final at once: no retry, and the item fails as unauthenticated")
  func refusedCredentialsAreFinal() async throws {
    let counter = Counter()
    try await Self.flakyEndpoints(statuses: Array(repeating: 400, count: 10), counter: counter).test(.live) { client in
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let port = try #require(client.port)
      let cache = TokenCache(source: try Self.serviceAccount(tokenURI: "http://127.0.0.1:\(port)/token"), http: http, retryDelay: .zero)
      let storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: .tokens(cache)), baseURL: "http://127.0.0.1:\(port)")
      await #expect {
        _ = try await CloudStorageStore(client: storage).open(ObjectLocation(bucket: "b", object: "o"), offset: 0, generation: nil)
      } throws: { error in
        (error as? StoreError)?.code == .unauthenticated && (error as? StoreError)?.isRetryable == false
      }
      #expect(await cache.fetchCount == 1)
      try await http.shutdown()
    }
  }

  @Test("a token endpoint that drops every connection is a transient failure of the item, retried by the engine")
  func unreachableTokenEndpoint() async throws {
    let server = try DroppingServer()
    defer { server.stop() }
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let cache = TokenCache(source: try Self.serviceAccount(tokenURI: "http://127.0.0.1:\(server.port)/token"), http: http, retryDelay: .zero)
    let storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: .tokens(cache)), baseURL: "http://127.0.0.1:\(server.port)")
    await #expect {
      _ = try await CloudStorageStore(client: storage).open(ObjectLocation(bucket: "b", object: "o"), offset: 0, generation: nil)
    } throws: { error in
      (error as? StoreError)?.code == .network && (error as? StoreError)?.isRetryable == true
    }
    #expect(await cache.fetchCount == 6)
    try await http.shutdown()
  }
}

/// A loopback listener that accepts every connection and closes it at once, as a server that crashes would.
final class DroppingServer: Sendable {
  let port: Int
  private let fd: Int32

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
    port = Int(UInt16(bigEndian: address.sin_port))
    let listener = fd
    let thread = Thread {
      while true {
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        close(connection)
      }
    }
    thread.start()
  }

  /// Ends the accept loop.
  func stop() {
    shutdown(fd, Int32(SHUT_RDWR))
    close(fd)
  }
}
