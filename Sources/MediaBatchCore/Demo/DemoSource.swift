/// The built-in source: deterministic users with real media, used when no Firebase project is configured.
public struct DemoSource: UserSource {
  public let catalog: DemoCatalog

  public init(catalog: DemoCatalog) {
    self.catalog = catalog
  }

  public var info: SourceInfo {
    let edge = catalog.includesEdgeCases ? " plus \(DemoEdgeCases.users.count) edge-case users" : ""
    return SourceInfo(kind: "demo", description: "built-in demo data: \(catalog.userCount) users\(edge)", isDemo: true)
  }

  public func users() -> Users { Users(catalog: catalog) }

  public func userCount() async throws -> Int? { catalog.totalUsers }

  /// Generates users one at a time, in index order.
  public struct Users: AsyncSequence, Sendable {
    let catalog: DemoCatalog

    public func makeAsyncIterator() -> Iterator { Iterator(catalog: catalog) }

    public struct Iterator: AsyncIteratorProtocol {
      let catalog: DemoCatalog
      var index = 0

      public mutating func next() async throws -> SourceUser? {
        guard index < catalog.totalUsers else { return nil }
        defer { index += 1 }
        return catalog.user(at: index)
      }
    }
  }
}
