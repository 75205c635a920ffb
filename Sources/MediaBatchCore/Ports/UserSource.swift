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
}

extension UserSource {
  public func userCount() async throws -> Int? { nil }
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
