/// A user as a source yields it: identity, the items it could resolve and the ones it could not.
public struct SourceUser: Sendable, Hashable {
  /// The user document's id.
  public var id: String
  /// The user's email when the document has one.
  public var email: String?
  public var items: [MediaItem]
  /// Items (or whole fields) the source could not resolve: a missing metadata document, a malformed id list, …
  public var unresolved: [UnresolvedItem]

  public init(id: String, email: String?, items: [MediaItem], unresolved: [UnresolvedItem] = []) {
    self.id = id
    self.email = email
    self.items = items
    self.unresolved = unresolved
  }

  /// The name shown in reports: the email, else the document id.
  public var displayName: String { email ?? id }
}

/// An item the source could not turn into a ``MediaItem``, with the reason.
public struct UnresolvedItem: Sendable, Hashable {
  /// The id as listed, or a description of the field when no id could be read.
  public var id: String
  public var kind: MediaKind
  public var error: ItemError

  public init(id: String, kind: MediaKind, error: ItemError) {
    self.id = id
    self.kind = kind
    self.error = error
  }
}
