/// The port users come from: Firestore in production, the built-in demo data otherwise.
///
/// Users stream: a source yields them as it reads them, so memory does not grow with their number.
public protocol UserSource: Sendable {
  associatedtype Users: AsyncSequence<SourceUser, any Error> & Sendable

  /// What this source is, for the API, the CLI and the logs.
  var info: SourceInfo { get }

  /// Every user, in a stable order.
  func users() -> Users

  /// How many users `users()` will yield, when the source can tell cheaply; `nil` otherwise. Progress and ETA
  /// use it while the listing is still going.
  func userCount() async throws -> Int?

  /// Keys in the listing's order that cut the users into up to `parts` ranges of about equal size, found without
  /// reading every user (Firestore's `partitionQuery`), so each shard of an export reads only its own range. Throws
  /// `ListingSplitUnavailable` when the source cannot split its listing; shards then read every user and keep theirs
  /// by hash.
  func splitPoints(parts: Int) async throws -> [String]

  /// The users whose keys fall in `range`, in listing order. Asked only of a source whose `splitPoints` answered.
  func users(in range: UserRange) -> Users

  /// What split points are positions in (a project's collection, say): a recorded plan made for another listing is
  /// not used.
  var listingIdentity: String { get }
}

extension UserSource {
  public func userCount() async throws -> Int? { nil }

  public func splitPoints(parts: Int) async throws -> [String] {
    throw ListingSplitUnavailable(reason: "\(info.kind) users cannot be listed in ranges")
  }

  public func users(in range: UserRange) -> Users { users() }

  public var listingIdentity: String { info.kind + ": " + info.description }
}

/// A part of a source's listing: from `start` (included) up to `end` (excluded); a missing bound is open.
public struct UserRange: Sendable, Hashable, CustomStringConvertible {
  public var start: String?
  public var end: String?

  public init(start: String?, end: String?) {
    self.start = start
    self.end = end
  }

  /// Shard `index`'s range, of the `splitPoints.count + 1` ranges the sorted split points make; a shard beyond them
  /// (fewer points came back than were asked for) has an empty range.
  public static func shard(_ index: Int, of splitPoints: [String]) -> UserRange? {
    guard index <= splitPoints.count else { return nil }
    return UserRange(start: index == 0 ? nil : splitPoints[index - 1], end: index == splitPoints.count ? nil : splitPoints[index])
  }

  public var description: String { "[\(start ?? "start"), \(end ?? "end"))" }
}

/// The source cannot split its listing into ranges; `reason` says why (for the log).
public struct ListingSplitUnavailable: Error, Sendable, CustomStringConvertible {
  public var reason: String

  public init(reason: String) { self.reason = reason }

  public var description: String { reason }
}

/// A description of a user source.
public struct SourceInfo: Sendable, Hashable, Codable {
  /// `demo` or `firebase`.
  public var kind: String
  public var description: String
  public var isDemo: Bool

  public init(kind: String, description: String, isDemo: Bool) {
    self.kind = kind
    self.description = description
    self.isDemo = isDemo
  }

  private enum CodingKeys: String, CodingKey {
    case kind, description
    case isDemo = "is_demo"
  }
}
