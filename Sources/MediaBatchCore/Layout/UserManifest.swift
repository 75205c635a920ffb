public import Foundation

/// The per-user `manifest.json`: every item of the user, where it went, what was verified, and all its metadata.
public struct UserManifest: Sendable, Hashable, Codable {
  public static let currentFormatVersion = 1

  public var formatVersion: Int
  public var jobId: String
  public var source: String
  public var generatedAt: Date
  public var userId: String
  public var email: String?
  public var folder: String
  public var status: UserResult.Status
  public var items: [ItemOutcome]

  public init(jobId: String, source: String, generatedAt: Date, result: UserResult, items: [ItemOutcome]) {
    self.formatVersion = Self.currentFormatVersion
    self.jobId = jobId
    self.source = source
    self.generatedAt = generatedAt
    self.userId = result.userId
    self.email = result.email
    self.folder = result.folder
    self.status = result.status
    self.items = items
  }

  /// Pretty, key-sorted JSON: stable across runs, readable by people and `jq`.
  public func encoded() -> [UInt8] {
    ManifestJSON.encode(self)
  }

  /// The same bytes through `JSONEncoder`, which `encoded()` matches; for tests.
  public func encodedByFoundation() throws -> Data {
    try Self.encoder.encode(self)
  }

  public static func decode(_ data: Data) throws -> UserManifest {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try decoder.decode(UserManifest.self, from: data)
  }

  private static var encoder: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }

  private enum CodingKeys: String, CodingKey {
    case formatVersion = "format_version"
    case jobId = "job_id"
    case source
    case generatedAt = "generated_at"
    case userId = "user_id"
    case email, folder, status, items
  }
}
