import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GoogleCloud

/// Requester-pays buckets and quota projects on the wire: a billing project goes with every Cloud Storage request
/// as `userProject=` and with every API call as `x-goog-user-project`, in place of a user login's quota project.
@Suite("The billing project on the wire", .timeLimit(.minutes(15)))
struct BillingProjectTests {
  /// Every kind of call the clients make: a users page, a batchGet, an object's bytes, its metadata, a listing and a
  /// bucket lookup.
  static func callEveryAPI(_ clients: GoogleCloudClients) async throws {
    let page = try await clients.firestore.page(collection: "email_users", fields: ["email"], after: nil, limit: 10)
    #expect(page.map(\.id) == ["u1"])
    _ = try await clients.firestore.page(collection: "email_users", fields: nil, after: page.last?.name, limit: 10)
    let named = clients.firestore.documentName(collection: "images", id: "i1")
    #expect(try await clients.firestore.documents(named: [named])[named]??.name == named)
    let object = StorageObjectID(bucket: "bucket", name: "photo.jpg")
    let download = try await clients.storage.download(object, offset: 0, generation: nil)
    var bytes: [UInt8] = []
    for try await chunk in download.body { bytes += chunk.readableBytesView }
    #expect(bytes == GoogleStandIn.objectBytes)
    #expect(try await clients.storage.currentGeneration(of: object) == "5")
    #expect(try await clients.storage.generations(inBucket: "bucket", prefix: "").objects.map(\.name) == ["photo.jpg"])
    #expect(try await clients.storage.bucketExists("bucket"))
  }

  static let userFile = #"""
    {"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"r","quota_project_id":"quota-of-the-login","token_uri":"TOKEN"}
    """#

  @Test(
    "with a billing project, every storage request carries userProject and every API call x-goog-user-project, over the login's quota project"
  )
  func billingProjectEverywhere() async throws {
    let standIn = GoogleStandIn()
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let file = try GoogleStandIn.file(Self.userFile.replacing("TOKEN", with: "http://127.0.0.1:\(port)/token"))
      defer { try? FileManager.default.removeItem(atPath: file) }
      var environment = GoogleStandIn.environment(port: port, credentialsFile: file)
      environment.billingProject = "payer-project"

      // act
      let clients = try await GoogleCloudClients.make(environment: environment, connections: 4)
      do {
        try await Self.callEveryAPI(clients)
      } catch {
        try await clients.http.shutdown()
        throw error
      }
      try await clients.http.shutdown()

      // check
      #expect(clients.credentialsDescription.hasSuffix("requests billed to project payer-project"))
      let apiCalls = standIn.recorded { $0.path != "/token" }
      #expect(apiCalls.count == 7)
      for call in apiCalls {
        #expect(call.userProject == "payer-project", "\(call.path)")
        #expect(call.authorization == "Bearer user-token-1", "\(call.path)")
      }
      let storageCalls = apiCalls.filter { $0.path.hasPrefix("/storage/") }
      #expect(storageCalls.count == 4)
      #expect(storageCalls.allSatisfy { $0.query["userProject"] == "payer-project" }, "\(storageCalls.map(\.query))")
      #expect(apiCalls.filter { !$0.path.hasPrefix("/storage/") }.allSatisfy { $0.query["userProject"] == nil })
      #expect(standIn.recorded { $0.path == "/token" }.allSatisfy { $0.userProject == nil })
    }
  }

  @Test("without a billing project, a login's quota project is the header and storage requests name no userProject")
  func quotaProjectAlone() async throws {
    let standIn = GoogleStandIn()
    try await standIn.application().test(.live) { client in
      let port = try #require(client.port)
      let file = try GoogleStandIn.file(Self.userFile.replacing("TOKEN", with: "http://127.0.0.1:\(port)/token"))
      defer { try? FileManager.default.removeItem(atPath: file) }

      let clients = try await GoogleCloudClients.make(
        environment: GoogleStandIn.environment(port: port, credentialsFile: file), connections: 4)
      do {
        try await Self.callEveryAPI(clients)
      } catch {
        try await clients.http.shutdown()
        throw error
      }
      try await clients.http.shutdown()

      let apiCalls = standIn.recorded { $0.path != "/token" }
      #expect(apiCalls.count == 7)
      #expect(apiCalls.allSatisfy { $0.userProject == "quota-of-the-login" && $0.query["userProject"] == nil })
    }
  }

  @Test("a storage URL gains userProject after its own query, percent-encoded, and is unchanged without one")
  func userProjectInURLs() {
    let http = GoogleHTTP(client: HTTPClient.shared, authorization: .none)
    let billed = CloudStorageClient(http: http, baseURL: "https://s", userProject: "domain.com:proj")
    #expect(billed.url("/storage/v1/b/b/o/x?alt=media") == "https://s/storage/v1/b/b/o/x?alt=media&userProject=domain.com%3Aproj")
    #expect(billed.url("/storage/v1/b/b") == "https://s/storage/v1/b/b?userProject=domain.com%3Aproj")
    #expect(CloudStorageClient(http: http, baseURL: "https://s").url("/storage/v1/b/b") == "https://s/storage/v1/b/b")
  }
}
