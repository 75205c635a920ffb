public import MediaBatchCore

/// The built-in source: deterministic users with real media, used when no Firebase project is configured.
public struct DemoSource: UserSource {
  public let catalog: DemoCatalog
  /// Added before every page of `pageSize` users, to model the round trip of a remote listing.
  public var pageLatency: Duration
  public static let pageSize = 100

  public init(catalog: DemoCatalog, pageLatency: Duration = .zero) {
    self.catalog = catalog
    self.pageLatency = pageLatency
  }

  public var info: SourceInfo {
    let edge = catalog.includesEdgeCases ? " plus \(DemoEdgeCases.users.count) edge-case users" : ""
    return SourceInfo(kind: "demo", description: "built-in demo data: \(catalog.userCount) users\(edge)", isDemo: true)
  }

  public func users() -> Users { Users(catalog: catalog, pageLatency: pageLatency) }

  public func userCount() async throws -> Int? { catalog.totalUsers }

  /// Generates users one at a time, in index order.
  public struct Users: AsyncSequence, Sendable {
    let catalog: DemoCatalog
    let pageLatency: Duration

    public func makeAsyncIterator() -> Iterator { Iterator(catalog: catalog, pageLatency: pageLatency) }

    public struct Iterator: AsyncIteratorProtocol {
      let catalog: DemoCatalog
      let pageLatency: Duration
      var index = 0

      public mutating func next() async throws -> SourceUser? {
        guard index < catalog.totalUsers else { return nil }
        if pageLatency > .zero, index % DemoSource.pageSize == 0 { try await Task.sleep(for: pageLatency) }
        defer { index += 1 }
        return catalog.user(at: index)
      }
    }
  }
}
