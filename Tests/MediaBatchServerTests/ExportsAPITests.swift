import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaBatchCore
@testable import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Testing

/// The media browser's API over a real demo export: users searched and paged, a user's manifest, and the files it
/// lists served with ranges and entity tags; nothing else in the folder can be reached.
@Suite("Exports API", .timeLimit(.minutes(10)))
struct ExportsAPITests {
  func export(_ harness: ServerHarness, _ client: some TestClientProtocol) async throws {
    try await harness.untilJobEnds {
      try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
    }
  }

  @Test("users: every user once, in id order, paged by cursor, searched by id or email in any case")
  func users() async throws {
    let harness = try ServerHarness.demo(users: 23, persistent: true)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await export(harness, client)
      // A second job: each user is listed once, by the latest.
      try await export(harness, client)
      var seen: [String] = []
      var exported = 0
      var cursor: String?
      repeat {
        let uri = "/exports/users?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
        cursor = try await client.execute(uri: uri, method: .get) { response in
          #expect(response.status == .ok)
          let users = response.json["users"] as? [[String: Any]] ?? []
          seen += users.compactMap { $0["user_id"] as? String }
          #expect(users.allSatisfy { $0["status"] as? String == "succeeded" && $0["files_failed"] as? Int == 0 })
          exported += users.reduce(0) { $0 + ($1["files_exported"] as? Int ?? 0) }
          return response.json["next_cursor"] as? String
        }
      } while cursor != nil
      #expect(seen.count == 23 && Set(seen).count == 23)
      #expect(exported > 23)
      #expect(seen == seen.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
      let latest = try #require(try await harness.history.latestJob()?.jobId)
      let target = try #require(try await harness.history.exportedUser(seen[7]))
      #expect(target.jobId == latest)
      let email = try #require(target.result.email)
      try await client.execute(uri: "/exports/users?q=" + email.prefix(6).uppercased(), method: .get) { response in
        let users = response.json["users"] as? [[String: Any]] ?? []
        #expect(users.contains { $0["user_id"] as? String == target.result.userId })
        #expect(users.allSatisfy { (($0["email"] as? String) ?? "").lowercased().contains(email.prefix(6).lowercased()) || (($0["user_id"] as? String) ?? "").lowercased().contains(email.prefix(6).lowercased()) })
      }
      try await client.execute(uri: "/exports/users?cursor=not+a+cursor", method: .get) { #expect($0.errorCode == "invalid_query") }
      try await client.execute(uri: "/exports/users?q=" + String(repeating: "x", count: 300), method: .get) { #expect($0.status == .badRequest) }
    }
  }

  @Test("a user's manifest, and each file it lists: type, ETag, 304, ranges, 416; nothing it does not list")
  func files() async throws {
    let harness = try ServerHarness.demo(users: 4, token: "exports-token-0123456789", persistent: true)
    defer { harness.directory.remove() }
    let auth: HTTPFields = [.authorization: "Bearer exports-token-0123456789"]
    try await harness.application().test(.router) { client in
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users", headers: auth) { #expect($0.status == .accepted) }
      }
      let user = try #require(try await harness.history.exportedUsers(matching: nil, cursor: nil, limit: 1).elements.first)
      let id = user.result.userId
      let items = try await client.execute(uri: "/exports/users/\(id)", method: .get, headers: auth) { response in
        #expect(response.status == .ok)
        #expect(response.json["manifest_missing"] as? Bool == false)
        return response.json["items"] as? [[String: Any]] ?? []
      }
      let image = try #require(items.first { $0["kind"] as? String == "images" && $0["file_url"] is String })
      let url = try #require(image["file_url"] as? String)
      let size = try #require(image["size"] as? Int)
      let path = harness.directory.appending("out") + "/" + user.result.folder + "/" + (image["local_path"] as? String ?? "")
      let bytes = try Data(contentsOf: URL(fileURLWithPath: path))

      let etag = try await client.execute(uri: url, method: .get, headers: auth) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == image["content_type"] as? String)
        #expect(response.headers[.acceptRanges] == "bytes")
        #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
        #expect(Data(buffer: response.body) == bytes)
        return try #require(response.headers[.eTag])
      }
      #expect(etag == "\"\(image["crc32c"] as? String ?? "")\"")
      try await client.execute(uri: url + "&access_token=exports-token-0123456789", method: .get) { #expect($0.status == .ok) }
      try await client.execute(uri: url, method: .get) { #expect($0.status == .unauthorized) }
      var conditional = auth
      conditional[.ifNoneMatch] = etag
      try await client.execute(uri: url, method: .get, headers: conditional) { #expect($0.status == .notModified) }
      for (range, expected) in [("bytes=10-19", 10...19), ("bytes=-5", (size - 5)...(size - 1)), ("bytes=\(size - 3)-", (size - 3)...(size - 1))] {
        var headers = auth
        headers[.range] = range
        try await client.execute(uri: url, method: .get, headers: headers) { response in
          #expect(response.status == .partialContent, "\(range)")
          #expect(response.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound)/\(size)")
          #expect(Data(buffer: response.body) == bytes[expected])
        }
      }
      var stale = auth
      stale[.range] = "bytes=0-0"
      stale[.ifRange] = "\"other\""
      try await client.execute(uri: url, method: .get, headers: stale) { #expect($0.status == .ok) }
      var past = auth
      past[.range] = "bytes=\(size)-"
      try await client.execute(uri: url, method: .get, headers: past) { response in
        #expect(response.status == .rangeNotSatisfiable)
        #expect(response.headers[.contentRange] == "bytes */\(size)")
      }

      // Nothing the manifest does not list; no way out of the folder; no link followed.
      for uri in [
        "/exports/users/\(id)/files/manifest.json", "/exports/users/\(id)/files/..%2Fmanifest.json", "/exports/users/\(id)/files/%2E%2E",
        "/exports/users/\(id)/files/..", "/exports/users/nobody/files/x", "/exports/users/..%2F..%2Fetc/files/passwd",
      ] {
        try await client.execute(uri: uri, method: .get, headers: auth) { #expect($0.status == .notFound, "\(uri)") }
      }
      try FileManager.default.removeItem(atPath: path)
      try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/etc/passwd")
      try await client.execute(uri: url, method: .get, headers: auth) { #expect($0.status == .notFound, "a planted link was followed") }
    }
  }

  @Test("only media a browser shows keeps its type; anything else is a download, never a page of this origin")
  func types() {
    #expect(FileResponse.parseRange("bytes=0-", size: 0) == .unsatisfiable)
    #expect(FileResponse.parseRange("bytes=5-2", size: 10) == .none)
    #expect(FileResponse.parseRange("bytes=0-1,4-5", size: 10) == .none)
    #expect(FileResponse.parseRange("items=0-1", size: 10) == .none)
    #expect(FileResponse.parseRange("bytes=2-100", size: 10) == .bytes(2...9))
    #expect(FileResponse.matches("W/\"a\", \"b\"", "\"a\""))
    #expect(!FileResponse.inlineTypes.contains("text/html") && !FileResponse.inlineTypes.contains("image/svg+xml"))
  }
}
