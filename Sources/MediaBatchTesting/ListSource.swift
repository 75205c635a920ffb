public import MediaBatchCore

/// A source that yields a fixed list of users, for tests that need exact control over what the engine sees.
public struct ListSource: UserSource {
  public let list: [SourceUser]
  public let info: SourceInfo

  public init(_ users: [SourceUser], info: SourceInfo = SourceInfo(kind: "list", description: "users given by a test", isDemo: false)) {
    self.list = users
    self.info = info
  }

  public func users() -> Users { Users(users: list) }

  public func userCount() async throws -> Int? { list.count }

  public struct Users: AsyncSequence, Sendable {
    let users: [SourceUser]

    public func makeAsyncIterator() -> Iterator { Iterator(users: users) }

    public struct Iterator: AsyncIteratorProtocol {
      let users: [SourceUser]
      var index = 0

      public mutating func next() async throws -> SourceUser? {
        guard index < users.count else { return nil }
        defer { index += 1 }
        return users[index]
      }
    }
  }
}

extension SourceUser {
  /// A user with `count` items of one kind, in a bucket named `test`: objects `<userId>/<kind>/<n>`.
  public static func make(id: String, items count: Int, kind: MediaKind = .images, email: String? = nil) -> SourceUser {
    let items = (0..<count).map { n in
      MediaItem(
        id: "\(id)-\(n)",
        kind: kind,
        location: ObjectLocation(bucket: "test", object: "\(id)/\(kind.name)/\(n)"),
        originalName: "file-\(n).bin",
        contentType: "application/octet-stream"
      )
    }
    return SourceUser(id: id, email: email ?? "\(id)@example.com", items: items)
  }
}
