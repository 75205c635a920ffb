import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GoogleCloud

/// A named database on the wire: every path, cursor and `batchGet` name is under it, and names from another
/// database never leave the client.
@Suite("Named Firestore databases", .timeLimit(.minutes(15)))
struct FirestoreDatabaseTests {
  @Test("database ids follow Firestore's rules: (default), or 4–63 lowercase letters, digits and '-', from a letter to a letter or digit")
  func databaseIDs() {
    for good in ["(default)", "media", "media-eu-2", String(repeating: "a", count: 63)] {
      #expect(FirestoreDatabaseID.problem(in: good) == nil, "\(good)")
    }
    for bad in ["", "eu", "Media", "media_eu", "2media", "media-", "(other)", String(repeating: "a", count: 64)] {
      #expect(FirestoreDatabaseID.problem(in: bad) != nil, "\(bad)")
    }
  }

  @Test("pages, cursors and batchGet names of a named database go to it; a name from (default) is refused before any request")
  func namedDatabaseOnTheWire() async throws {
    let standIn = GoogleStandIn()
    try await standIn.application().test(.live) { client in
      var environment = GoogleStandIn.environment(port: try #require(client.port), credentialsFile: nil)
      environment.firestoreEmulatorHost = "127.0.0.1:\(try #require(client.port))"
      environment.storageEmulatorURL = "http://127.0.0.1:\(try #require(client.port))"
      environment.databaseID = "media-eu"
      let clients = try await GoogleCloudClients.make(environment: environment, connections: 4)
      do {
        let firestore = clients.firestore
        let page = try await firestore.page(collection: "email_users", fields: nil, after: nil, limit: 5)
        #expect(page.map(\.name) == ["projects/p/databases/media-eu/documents/email_users/u1"])
        _ = try await firestore.page(collection: "email_users", fields: nil, after: page[0].name, limit: 5)
        let name = firestore.documentName(collection: "images", id: "i1")
        #expect(name == "projects/p/databases/media-eu/documents/images/i1")
        _ = try await firestore.documents(named: [name])

        let before = standIn.recorded().count
        let foreign = "projects/p/databases/(default)/documents/images/i1"
        await #expect(throws: FirestoreDatabaseMismatch(name: foreign, documentsRoot: "projects/p/databases/media-eu/documents")) {
          _ = try await firestore.documents(named: [name, foreign])
        }
        await #expect(throws: FirestoreDatabaseMismatch.self) {
          _ = try await firestore.page(
            collection: "email_users", fields: nil, after: "projects/q/databases/media-eu/documents/email_users/u1", limit: 5)
        }
        #expect(standIn.recorded().count == before)
      } catch {
        try await clients.http.shutdown()
        throw error
      }
      try await clients.http.shutdown()

      let calls = standIn.recorded()
      #expect(
        calls.map(\.path) == [
          "/v1/projects/p/databases/media-eu/documents:runQuery", "/v1/projects/p/databases/media-eu/documents:runQuery",
          "/v1/projects/p/databases/media-eu/documents:batchGet",
        ])
      let cursor = calls[1].json?["structuredQuery"]?["startAt"]?["values"]?.arrayValue?.first?["referenceValue"]
      #expect(cursor == .string("projects/p/databases/media-eu/documents/email_users/u1"))
      #expect(calls[2].json?["documents"] == .array([.string("projects/p/databases/media-eu/documents/images/i1")]))
      #expect(calls.allSatisfy { $0.authorization == "Bearer owner" })
    }
  }
}
