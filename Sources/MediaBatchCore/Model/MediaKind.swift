/// A kind of media a user owns, named after the folder it is exported to (`images`, `voices`, …).
public struct MediaKind: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
  public let name: String

  public init(_ name: String) {
    self.name = name
  }

  public static let images = MediaKind("images")
  public static let voices = MediaKind("voices")

  public var description: String { name }

  public static func < (lhs: MediaKind, rhs: MediaKind) -> Bool { lhs.name < rhs.name }

  public init(from decoder: any Decoder) throws {
    self.name = try decoder.singleValueContainer().decode(String.self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }
}
