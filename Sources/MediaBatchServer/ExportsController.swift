import Hummingbird
import MediaBatchCore
import MediaBatchEngine
import NIOCore

import struct Foundation.CharacterSet

/// The media browser's API: the users of the export (from the job store: each user by the latest job that finished
/// them), a user's manifest, and the files it lists. A file is found by looking its item up in the user's manifest,
/// then opened below the output root by `ExportReader`: nothing a request says becomes a path.
struct ExportsController<Context: RequestContext>: Sendable {
  let history: any JobHistory
  let reader: ExportReader

  var endpoints: [Endpoint<Context>] {
    [
      .get(APIPaths.exportedUsers, list), .get(APIPaths.exportedUsers + "/:id", show),
      // `<img>` and `<audio>` cannot send a header: the token may come as `?access_token=`.
      .get(APIPaths.exportedUsers + "/:id/files/:item", access: .tokenOrQueryParameter, file),
    ]
  }

  struct UserSummary: Encodable {
    var userId: String
    var email: String?
    var folder: String
    var status: String
    var filesExported: Int
    var filesFailed: Int
    var bytes: Int64
    var jobId: String

    init(_ user: ExportedUser) {
      userId = user.result.userId
      email = user.result.email
      folder = user.result.folder
      status = user.result.status.rawValue
      filesExported = user.result.filesDownloaded + user.result.filesSkipped
      filesFailed = user.result.filesFailed
      bytes = user.result.bytes
      jobId = user.jobId
    }

    enum CodingKeys: String, CodingKey {
      case email, folder, status, bytes
      case userId = "user_id", filesExported = "files_exported", filesFailed = "files_failed", jobId = "job_id"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(userId, forKey: .userId)
      try container.encode(email, forKey: .email)
      try container.encode(folder, forKey: .folder)
      try container.encode(status, forKey: .status)
      try container.encode(filesExported, forKey: .filesExported)
      try container.encode(filesFailed, forKey: .filesFailed)
      try container.encode(bytes, forKey: .bytes)
      try container.encode(jobId, forKey: .jobId)
    }
  }

  struct UserList: ResponseEncodable {
    var users: [UserSummary]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
      case users
      case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(users, forKey: .users)
      try container.encode(nextCursor, forKey: .nextCursor)
    }
  }

  @Sendable func list(_ request: Request, context: Context) async throws -> UserList {
    let query = ListingQuery(request)
    let limit = try query.limit(default: 50)
    let search = query.string("q")
    if let search, search.utf8.count > 256 {
      throw APIError(.badRequest, code: "invalid_query", message: "q must be at most 256 bytes")
    }
    // An empty cursor is a cursor too, and not one this server handed out.
    let cursor = request.uri.queryParameters.get("cursor").map { String($0) }
    do {
      let page = try await history.exportedUsers(matching: search, cursor: cursor, limit: limit)
      return UserList(users: page.elements.map(UserSummary.init), nextCursor: page.nextCursor)
    } catch let invalid as InvalidCursor {
      throw ListingQuery.invalidCursor(invalid.cursor)
    }
  }

  struct UserDetail: ResponseEncodable {
    var summary: UserSummary
    var items: [Item]
    /// The manifest could not be read (the folder is gone, or the file is not a manifest of this user).
    var manifestMissing: Bool

    struct Item: Encodable {
      var outcome: ItemOutcome
      var fileURL: String?

      enum CodingKeys: String, CodingKey { case fileURL = "file_url" }

      func encode(to encoder: any Encoder) throws {
        try outcome.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fileURL, forKey: .fileURL)
      }
    }

    enum CodingKeys: String, CodingKey {
      case items
      case manifestMissing = "manifest_missing"
    }

    func encode(to encoder: any Encoder) throws {
      try summary.encode(to: encoder)
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(items, forKey: .items)
      try container.encode(manifestMissing, forKey: .manifestMissing)
    }
  }

  @Sendable func show(_ request: Request, context: Context) async throws -> UserDetail {
    let (user, manifest) = try await lookUp(context)
    let items = (manifest?.items ?? []).map { item in
      UserDetail.Item(outcome: item, fileURL: Self.hasFile(item) ? Self.fileURL(user: user.result.userId, item: item) : nil)
    }
    return UserDetail(summary: UserSummary(user), items: items, manifestMissing: manifest == nil)
  }

  @Sendable func file(_ request: Request, context: Context) async throws -> Response {
    let (user, manifest) = try await lookUp(context)
    let itemId = try context.parameters.require("item")
    let kind = request.uri.queryParameters.get("kind").map { MediaKind(String($0)) }
    guard let manifest,
      let item = manifest.items.first(where: { $0.id == itemId && Self.hasFile($0) && (kind == nil || $0.kind == kind) }),
      let path = item.localPath,
      let file = reader.openFile(folder: user.result.folder, relativePath: path),
      item.size == nil || item.size == file.size
    else {
      throw APIError(.notFound, code: "file_not_found", message: "user \(user.result.userId) has no exported file \(itemId)")
    }
    return FileResponse(file: file, item: item).response(to: request)
  }

  // MARK: - Helpers

  /// The user by id, and their manifest when it can be read and is theirs.
  private func lookUp(_ context: Context) async throws -> (ExportedUser, UserManifest?) {
    let id = try context.parameters.require("id")
    guard let user = try await history.exportedUser(id) else {
      throw APIError(.notFound, code: "user_not_found", message: "no user \(id) in this export's history")
    }
    let manifest = reader.manifest(folder: user.result.folder).flatMap { $0.userId == user.result.userId ? $0 : nil }
    return (user, manifest)
  }

  static func hasFile(_ item: ItemOutcome) -> Bool {
    (item.status == .downloaded || item.status == .skipped) && item.localPath != nil
  }

  static func fileURL(user: String, item: ItemOutcome) -> String {
    APIPaths.exportedUsers + "/" + PathSegment.encode(user) + "/files/" + PathSegment.encode(item.id) + "?kind=" + PathSegment.encode(item.kind.name)
  }
}

/// Percent-encoding of one path segment or query value: everything but RFC 3986's unreserved characters.
enum PathSegment {
  private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

  static func encode(_ text: String) -> String {
    // Only a string that is not valid UTF-16 fails; a Swift String always is.
    text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
  }
}
