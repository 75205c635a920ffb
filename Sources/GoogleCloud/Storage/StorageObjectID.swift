/// A Cloud Storage object: its bucket and its name (raw, not percent-encoded).
public struct StorageObjectID: Sendable, Hashable, CustomStringConvertible {
  public var bucket: String
  public var name: String

  public init(bucket: String, name: String) {
    self.bucket = bucket
    self.name = name
  }

  /// `gs://bucket/name`.
  public var description: String { "gs://\(bucket)/\(name)" }
}
