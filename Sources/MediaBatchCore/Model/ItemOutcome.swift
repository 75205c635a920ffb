import Toolbox

/// What became of one item: where it went, what was verified, or why it failed.
public struct ItemOutcome: Sendable, Hashable, Codable {
  public enum Status: String, Sendable, Codable, Hashable {
    /// Fetched, verified and placed under its final name.
    case downloaded
    /// Already present and verified from an earlier run; nothing fetched.
    case skipped
    /// Planned by a dry run; nothing fetched.
    case planned
    case failed
    /// The job stopped before the item finished.
    case cancelled
  }

  public var id: String
  public var kind: MediaKind
  public var status: Status
  public var location: ObjectLocation?
  public var generation: String?
  /// The path relative to the user's folder, e.g. `images/photo.png`.
  public var localPath: String?
  public var size: Int64?
  /// CRC32C of the bytes on disk, 8 lowercase hex digits.
  public var crc32c: String?
  /// MD5 of the bytes, 32 lowercase hex digits, when the store declares or the engine computes one.
  public var md5: String?
  public var contentType: String?
  public var originalName: String?
  public var metadata: [String: FieldValue]?
  public var attempts: Int
  public var error: ItemError?
  /// The byte a download resumed from, when it continued a partial file an earlier job left.
  public var resumedFrom: Int64?
  /// The store gave no hash to check the bytes against and the job accepted them anyway (`--allow-unverified`).
  public var unverified = false
  /// `gzip` for an object stored compressed; the file on disk is decompressed unless `--keep-gzip`.
  public var contentEncoding: String?
  /// The object's size as stored (compressed), when the file on disk was decompressed from it.
  public var storedSize: Int64?

  public init(
    id: String,
    kind: MediaKind,
    status: Status,
    location: ObjectLocation? = nil,
    generation: String? = nil,
    localPath: String? = nil,
    size: Int64? = nil,
    crc32c: String? = nil,
    md5: String? = nil,
    contentType: String? = nil,
    originalName: String? = nil,
    metadata: [String: FieldValue]? = nil,
    attempts: Int = 0,
    error: ItemError? = nil
  ) {
    self.id = id
    self.kind = kind
    self.status = status
    self.location = location
    self.generation = generation
    self.localPath = localPath
    self.size = size
    self.crc32c = crc32c
    self.md5 = md5
    self.contentType = contentType
    self.originalName = originalName
    self.metadata = metadata
    self.attempts = attempts
    self.error = error
  }

  private enum CodingKeys: String, CodingKey {
    case id, kind, status, bucket, object, generation
    case localPath = "local_path"
    case size, crc32c, md5
    case contentType = "content_type"
    case originalName = "original_name"
    case metadata, attempts, error
    case resumedFrom = "resumed_from"
    case unverified
    case contentEncoding = "content_encoding"
    case storedSize = "stored_size"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(kind, forKey: .kind)
    try container.encode(status, forKey: .status)
    try container.encode(location?.bucket, forKey: .bucket)
    try container.encode(location?.object, forKey: .object)
    try container.encode(generation, forKey: .generation)
    try container.encode(localPath, forKey: .localPath)
    try container.encode(size, forKey: .size)
    try container.encode(crc32c, forKey: .crc32c)
    try container.encode(md5, forKey: .md5)
    try container.encode(contentType, forKey: .contentType)
    try container.encode(originalName, forKey: .originalName)
    try container.encode(metadata, forKey: .metadata)
    try container.encode(attempts, forKey: .attempts)
    try container.encode(error, forKey: .error)
    try container.encodeIfPresent(resumedFrom, forKey: .resumedFrom)
    if unverified { try container.encode(true, forKey: .unverified) }
    try container.encodeIfPresent(contentEncoding, forKey: .contentEncoding)
    try container.encodeIfPresent(storedSize, forKey: .storedSize)
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    kind = try container.decode(MediaKind.self, forKey: .kind)
    status = try container.decode(Status.self, forKey: .status)
    let bucket = try container.decodeIfPresent(String.self, forKey: .bucket)
    let object = try container.decodeIfPresent(String.self, forKey: .object)
    if let bucket, let object {
      location = ObjectLocation(bucket: bucket, object: object)
    }
    generation = try container.decodeIfPresent(String.self, forKey: .generation)
    localPath = try container.decodeIfPresent(String.self, forKey: .localPath)
    size = try container.decodeIfPresent(Int64.self, forKey: .size)
    crc32c = try container.decodeIfPresent(String.self, forKey: .crc32c)
    md5 = try container.decodeIfPresent(String.self, forKey: .md5)
    contentType = try container.decodeIfPresent(String.self, forKey: .contentType)
    originalName = try container.decodeIfPresent(String.self, forKey: .originalName)
    metadata = try container.decodeIfPresent([String: FieldValue].self, forKey: .metadata)
    attempts = try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 0
    error = try container.decodeIfPresent(ItemError.self, forKey: .error)
    resumedFrom = try container.decodeIfPresent(Int64.self, forKey: .resumedFrom)
    unverified = try container.decodeIfPresent(Bool.self, forKey: .unverified) ?? false
    contentEncoding = try container.decodeIfPresent(String.self, forKey: .contentEncoding)
    storedSize = try container.decodeIfPresent(Int64.self, forKey: .storedSize)
  }
}
