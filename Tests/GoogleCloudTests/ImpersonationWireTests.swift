import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GoogleCloud

/// Acting as a service account, against a stand-in IAM Credentials speaking its wire format: the source
/// credentials' token asks `generateAccessToken`, whose tokens then authorize Firestore and Cloud Storage.
@Suite("Service account impersonation on the wire", .timeLimit(.minutes(15)))
struct ImpersonationWireTests {
  static let target = "exporter@p.iam.gserviceaccount.com"

  static func keyFile(tokenURI: String) throws -> String {
    try GoogleStandIn.file(String(decoding: AuthTests.keyFile(["token_uri": .string(tokenURI)]), as: UTF8.self))
  }

  static func iamRequests(_ standIn: GoogleStandIn) -> [GoogleStandIn.Request] {
    standIn.recorded { $0.path.hasSuffix(":generateAccessToken") }
  }

  @Test(
    "--impersonate-service-account with a delegate: the key's token asks IAM Credentials, whose token reads Firestore and Storage, and a refused one is replaced"
  )
  func impersonateThroughADelegate() async throws {
    let standIn = GoogleStandIn()
    // The first impersonated token is refused, as an expired one would be: it is replaced once, by IAM Credentials.
    standIn.refusedTokens.withLock { _ = $0.insert("acting-2") }
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let key = try Self.keyFile(tokenURI: "http://127.0.0.1:\(port)/token")
      defer { try? FileManager.default.removeItem(atPath: key) }
      var environment = GoogleStandIn.environment(port: port, credentialsFile: key)
      environment.impersonatedServiceAccounts = ["hop@p.iam.gserviceaccount.com", Self.target]

      // act
      let clients = try await GoogleCloudClients.make(environment: environment, connections: 4)
      do {
        try await BillingProjectTests.callEveryAPI(clients)
      } catch {
        try await clients.http.shutdown()
        throw error
      }
      try await clients.http.shutdown()

      // check: one source token, two impersonated ones (the second after the 401), every API call with the second
      #expect(
        clients.credentialsDescription
          == "service account \(Self.target) impersonated by service account exporter@demo-project.iam.gserviceaccount.com through hop@p.iam.gserviceaccount.com"
      )
      #expect(standIn.recorded { $0.path == "/token" }.count == 1)
      let asked = Self.iamRequests(standIn)
      #expect(asked.count == 2)
      for request in asked {
        #expect(request.path == "/v1/projects/-/serviceAccounts/\(Self.target):generateAccessToken")
        #expect(request.authorization == "Bearer sa-token-1")
        #expect(request.json?["scope"] == .array([.string(GoogleOAuth.cloudPlatformScope)]))
        #expect(request.json?["lifetime"] == .string("3600s"))
        #expect(request.json?["delegates"] == .array([.string("projects/-/serviceAccounts/hop@p.iam.gserviceaccount.com")]))
      }
      let apiCalls = standIn.recorded { $0.path != "/token" && !$0.path.hasSuffix(":generateAccessToken") }
      #expect(apiCalls.filter { $0.authorization == "Bearer acting-2" }.count == 1)
      #expect(apiCalls.filter { $0.authorization == "Bearer acting-3" }.count == 7)
    }
  }

  @Test(
    "an impersonated_service_account file: user credentials ask the file's URL, a refused source token is refreshed, the quota projects go where they belong"
  )
  func impersonationFile() async throws {
    let standIn = GoogleStandIn()
    standIn.refusedTokens.withLock { _ = $0.insert("user-token-1") }
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let base = "http://127.0.0.1:\(port)"
      let file = try GoogleStandIn.file(
        #"{"type":"impersonated_service_account","#
          + #""service_account_impersonation_url":"\#(base)/v1/projects/-/serviceAccounts/\#(Self.target):generateAccessToken","#
          + #""source_credentials":{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","#
          + #""quota_project_id":"login-quota","token_uri":"\#(base)/token"},"quota_project_id":"exporter-quota"}"#)
      defer { try? FileManager.default.removeItem(atPath: file) }
      // The IAM Credentials endpoint is the file's: the environment's points nowhere.
      var environment = GoogleStandIn.environment(port: port, credentialsFile: file)
      environment.endpoints.iamCredentials = "http://127.0.0.1:9/v1"

      let clients = try await GoogleCloudClients.make(environment: environment, connections: 4)
      do {
        try await BillingProjectTests.callEveryAPI(clients)
      } catch {
        try await clients.http.shutdown()
        throw error
      }
      try await clients.http.shutdown()

      #expect(clients.credentialsDescription == "service account \(Self.target) impersonated by gcloud user credentials")
      #expect(standIn.recorded { $0.path == "/token" }.count == 2)
      let asked = Self.iamRequests(standIn)
      #expect(asked.map(\.authorization) == ["Bearer user-token-1", "Bearer user-token-2"])
      #expect(asked.allSatisfy { $0.userProject == "login-quota" && $0.json?["delegates"] == nil })
      let apiCalls = standIn.recorded { $0.path != "/token" && !$0.path.hasSuffix(":generateAccessToken") }
      #expect(apiCalls.count == 7)
      #expect(
        apiCalls.allSatisfy { $0.authorization == "Bearer acting-3" && $0.userProject == "exporter-quota" },
        "\(apiCalls.map(\.authorization))")
    }
  }

  @Test(
    "IAM Credentials' refusals and bad answers fail once, with what to fix",
    arguments: [
      (
        GoogleStandIn.IAMAnswer.error(
          status: 403, rpcStatus: "PERMISSION_DENIED", message: "Permission 'iam.serviceAccounts.getAccessToken' denied"),
        "grant service account exporter@demo-project.iam.gserviceaccount.com the Service Account Token Creator role (roles/iam.serviceAccountTokenCreator) on exporter@p.iam.gserviceaccount.com"
      ),
      (
        .error(
          status: 403, rpcStatus: "PERMISSION_DENIED",
          message:
            "IAM Service Account Credentials API has not been used in project 1 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/iamcredentials.googleapis.com"
        ),
        "enable the IAM Service Account Credentials API (iamcredentials.googleapis.com)"
      ),
      (
        .error(status: 404, rpcStatus: "NOT_FOUND", message: "Not found; Gaia id not found for email"),
        "exporter@p.iam.gserviceaccount.com does not exist"
      ),
      (.body(#"{"accessToken":"a","expireTime":"tomorrow"}"#), "has an expireTime \"tomorrow\" that is not an RFC 3339 time"),
      (.body(#"{"accessToken":"a","expireTime":"2001-01-01T00:00:00Z"}"#), "already past by this machine's clock"),
    ])
  func refusals(answer: GoogleStandIn.IAMAnswer, fix: String) async throws {
    let standIn = GoogleStandIn()
    standIn.iamAnswers.withLock { $0 = Array(repeating: answer, count: 5) }
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let key = try Self.keyFile(tokenURI: "http://127.0.0.1:\(port)/token")
      defer { try? FileManager.default.removeItem(atPath: key) }
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let source = ServiceAccountTokenSource(
        key: try ServiceAccountKey(json: AuthTests.keyFile(["token_uri": .string("http://127.0.0.1:\(port)/token")]), file: key))
      let impersonation = try ServiceAccountImpersonation(chain: [Self.target], iamCredentialsURL: "http://127.0.0.1:\(port)/v1")
      let cache = TokenCache(
        source: ImpersonatedTokenSource(source: source, impersonation: impersonation, http: http), http: http, retryDelay: .zero)

      await #expect {
        _ = try await cache.token()
      } throws: { error in
        let error = error as? AuthenticationError
        return error?.isTransient == false && error?.message.contains(Self.target) == true && error?.message.contains(fix) == true
      }
      #expect(Self.iamRequests(standIn).count == 1)
      try await http.shutdown()
    }
  }

  @Test("a 503 from IAM Credentials is asked again, and the token then refreshes 3 min 45 s before its expireTime")
  func busyThenRefreshTime() async throws {
    let standIn = GoogleStandIn()
    standIn.iamAnswers.withLock { $0 = [.error(status: 503, rpcStatus: "UNAVAILABLE", message: "try again")] }
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let source = ServiceAccountTokenSource(
        key: try ServiceAccountKey(json: AuthTests.keyFile(["token_uri": .string("http://127.0.0.1:\(port)/token")]), file: "k.json"))
      let impersonation = try ServiceAccountImpersonation(chain: [Self.target], iamCredentialsURL: "http://127.0.0.1:\(port)/v1")
      let cache = TokenCache(
        source: ImpersonatedTokenSource(source: source, impersonation: impersonation, http: http), http: http, retryDelay: .zero)
      #expect(try await cache.token() == "acting-2")
      #expect(await cache.fetchCount == 2)
      try await http.shutdown()
    }
    // The refresh moment, from the answer alone.
    let answer = try GeneratedAccessToken(
      json: Array(#"{"accessToken":"a","expireTime":"2030-01-01T01:00:00Z"}"#.utf8), serviceAccount: "t")
    let received = ContinuousClock.now
    let token = try answer.accessToken(serviceAccount: "t", now: Date(timeIntervalSince1970: 1_893_456_000), receivedAt: received)
    #expect(token.refreshAt == received + .seconds(3600) - .seconds(225))
  }
}
