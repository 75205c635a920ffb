public import MediaBatchCore

/// A source that yields a fixed list of users, for tests that need exact control over what the engine sees.
public struct ListSource: UserSource {
  public let list: [SourceUser]
  public let info: SourceInfo
  /// Whether the list answers `splitPoints` (its users are then in id order, as a listing's would be).
  public let splits: Bool

  public init(
    _ users: [SourceUser], info: SourceInfo = SourceInfo(kind: "list", description: "users given by a test", isDemo: false), splits: Bool = false
  ) {
    self.list = splits ? users.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) } : users
    self.info = info
    self.splits = splits
  }

  public func users() -> Users { Users(users: list) }

  public func userCount() async throws -> Int? { list.count }

  /// Every `count / parts`-th user's id, when the list splits.
  public func splitPoints(parts: Int) async throws -> [String] {
    guard splits else { throw ListingSplitUnavailable(reason: "this list does not split") }
    return (1..<max(1, parts)).compactMap { part in
      let index = list.count * part / parts
      return index < list.count ? list[index].id : nil
    }
  }

  public func users(in range: UserRange) -> Users {
    Users(
      users: list.filter { user in
        range.start.map { !user.id.utf8.lexicographicallyPrecedes($0.utf8) } ?? true
          && range.end.map { user.id.utf8.lexicographicallyPrecedes($0.utf8) } ?? true
      })
  }

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
