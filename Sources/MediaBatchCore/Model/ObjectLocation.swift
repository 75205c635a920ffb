/// Where an item's bytes live in an object store: a bucket and an object name.
public struct ObjectLocation: Hashable, Sendable, Codable, CustomStringConvertible {
  public var bucket: String
  public var object: String

  public init(bucket: String, object: String) {
    self.bucket = bucket
    self.object = object
  }

  public var description: String { "gs://\(bucket)/\(object)" }
}
