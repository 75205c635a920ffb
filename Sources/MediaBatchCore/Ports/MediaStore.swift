import Toolbox

/// The port the engine fetches bytes through: an object store such as Cloud Storage, or the demo store.
public protocol MediaStore: Sendable {
  /// Opens an object's bytes from `offset` on. When `generation` is given, the store serves that generation or
  /// fails, so a resumed download never splices two versions of an object.
  func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse

  /// The object's current generation, fetched without its bytes, so a rerun can tell whether a file it already has
  /// is still current. `nil` when the store cannot tell (the file is then fetched again).
  func currentGeneration(of location: ObjectLocation) async throws -> String?

  /// What the store declares about the object (generation, size, hashes), fetched without its bytes, so a file
  /// found on disk with no record of it can be checked against the store. `nil` when the store cannot tell.
  func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo?
}

extension MediaStore {
  public func currentGeneration(of location: ObjectLocation) async throws -> String? { nil }
  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? { nil }
}

/// An opened object: what the store declares about it, and its bytes.
public struct MediaResponse: Sendable {
  public var info: ObjectInfo
  /// Where in the object the body starts: the requested offset, or 0 when the store sent the whole object anyway
  /// (as Cloud Storage does for a range request on a transcoded object).
  public var bodyOffset: Int64
  public var body: ByteStream

  public init(info: ObjectInfo, bodyOffset: Int64 = 0, body: ByteStream) {
    self.info = info
    self.bodyOffset = bodyOffset
    self.body = body
  }
}

/// What a store declares about an object when it serves it.
public struct ObjectInfo: Sendable, Hashable {
  /// The whole object's size in bytes, when known.
  public var size: Int64?
  public var generation: String?
  /// The CRC32C (Castagnoli) of the whole object.
  public var crc32c: UInt32?
  /// The MD5 of the whole object (16 bytes), when the store has one.
  public var md5: [UInt8]?
  public var contentType: String?
  /// `gzip` when the object is stored compressed (its `Content-Encoding`): the bytes served, the size and the hashes
  /// are the compressed ones.
  public var contentEncoding: String?

  public init(
    size: Int64?, generation: String? = nil, crc32c: UInt32? = nil, md5: [UInt8]? = nil, contentType: String? = nil,
    contentEncoding: String? = nil
  ) {
    self.size = size
    self.generation = generation
    self.crc32c = crc32c
    self.md5 = md5
    self.contentType = contentType
    self.contentEncoding = contentEncoding
  }

  /// Whether the bytes are gzip-compressed as stored.
  public var isGzip: Bool { contentEncoding?.lowercased() == "gzip" }
}

/// A failure reported by a store, classified so the engine knows whether to retry.
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public var code: ItemError.Code
  public var message: String
  public var isRetryable: Bool
  /// How long the store asked us to wait (`Retry-After`), if it said.
  public var retryAfter: Duration?
  /// A 429 or similar: the whole pool should slow down, not only this item.
  public var isRateLimit: Bool
  /// The bytes fetched so far cannot be resumed (the object changed): a retry starts from the first byte.
  public var requiresRestart: Bool

  public init(
    _ code: ItemError.Code,
    _ message: String,
    isRetryable: Bool = false,
    retryAfter: Duration? = nil,
    isRateLimit: Bool = false,
    requiresRestart: Bool = false
  ) {
    self.code = code
    self.message = message
    self.isRetryable = isRetryable
    self.retryAfter = retryAfter
    self.isRateLimit = isRateLimit
    self.requiresRestart = requiresRestart
  }

  public var description: String { "\(code): \(message)" }

  public static func notFound(_ location: ObjectLocation) -> StoreError {
    StoreError(.notFound, "object \(location.bucket)/\(location.object) does not exist")
  }
}
