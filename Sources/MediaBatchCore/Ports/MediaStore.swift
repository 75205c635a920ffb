import Toolbox

/// The port the engine fetches bytes through: an object store such as Cloud Storage, or the demo store.
public protocol MediaStore: Sendable {
  /// Opens an object's bytes from `offset` on. When `generation` is given, the store serves that generation or
  /// fails, so a resumed download never splices two versions of an object.
  func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse

  /// Opens the bytes of `range` of an object's `generation`: one slice of a large object fetched in parallel with
  /// the others. The body may run past the range (a store that cannot end a range early); the caller reads what it
  /// asked for.
  func open(_ location: ObjectLocation, range: Range<Int64>, generation: String) async throws -> MediaResponse

  /// The object's current generation, fetched without its bytes, so a rerun can tell whether a file it already has
  /// is still current. `nil` when the store cannot tell (the file is then fetched again).
  func currentGeneration(of location: ObjectLocation) async throws -> String?

  /// What the store declares about the object (generation, size, hashes), fetched without its bytes, so a file
  /// found on disk with no record of it can be checked against the store. `nil` when the store cannot tell.
  func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo?

  /// One page of the objects in `bucket` whose names start with `prefix`, in name order, with their current
  /// generations (a listing, up to 1,000 a page), so a rerun can check its files without asking object by object.
  /// `nil` when the store cannot list.
  func generationsPage(inBucket bucket: String, prefix: String, pageToken: String?) async throws -> GenerationsPage?

  /// Every object under `prefix` with its current generation, page after page; `nil` when the store cannot list, or
  /// when the prefix holds more than `limit` objects (ask object by object then).
  func currentGenerations(inBucket bucket: String, prefix: String, limit: Int) async throws -> [String: String]?
}

/// A page of a listing: names and generations, in name order, and where the next page starts.
public struct GenerationsPage: Sendable, Hashable {
  public struct Object: Sendable, Hashable {
    public var name: String
    public var generation: String

    public init(name: String, generation: String) {
      self.name = name
      self.generation = generation
    }
  }

  public var objects: [Object]
  /// `nil` on the last page.
  public var nextPageToken: String?

  public init(objects: [Object], nextPageToken: String?) {
    self.objects = objects
    self.nextPageToken = nextPageToken
  }
}

extension MediaStore {
  public func open(_ location: ObjectLocation, range: Range<Int64>, generation: String) async throws -> MediaResponse {
    try await open(location, offset: range.lowerBound, generation: generation)
  }

  public func currentGeneration(of location: ObjectLocation) async throws -> String? { nil }
  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? { nil }
  public func generationsPage(inBucket bucket: String, prefix: String, pageToken: String?) async throws -> GenerationsPage? { nil }

  public func currentGenerations(inBucket bucket: String, prefix: String, limit: Int) async throws -> [String: String]? {
    var generations: [String: String] = [:]
    var pageToken: String?
    repeat {
      guard let page = try await generationsPage(inBucket: bucket, prefix: prefix, pageToken: pageToken) else { return nil }
      for object in page.objects { generations[object.name] = object.generation }
      guard generations.count <= limit else { return nil }
      pageToken = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
    } while pageToken != nil
    return generations
  }
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
  /// What asking again can do: one answer, so no combination of flags can contradict itself.
  public enum Treatment: Sendable, Hashable {
    /// Asking again cannot help.
    case permanent
    /// Transient: ask again after a backoff, or after `retryAfter` when the store said; the bytes fetched so far are
    /// kept and the next request asks for the rest.
    case transient(retryAfter: Duration? = nil)
    /// Transient, but the bytes fetched so far are no good (the object changed, or an answer cannot be placed): ask
    /// again from the first byte.
    case restart(retryAfter: Duration? = nil)
    /// The store is rate-limiting: ask again later, and slow the whole pool down, not only this item.
    case rateLimited(retryAfter: Duration? = nil)
  }

  public var code: ItemError.Code
  public var message: String
  public var treatment: Treatment

  public init(_ code: ItemError.Code, _ message: String, _ treatment: Treatment = .permanent) {
    self.code = code
    self.message = message
    self.treatment = treatment
  }

  public var isRetryable: Bool { treatment != .permanent }

  /// How long the store asked us to wait (`Retry-After`), if it said.
  public var retryAfter: Duration? {
    switch treatment {
    case .permanent: nil
    case .transient(let retryAfter), .restart(let retryAfter), .rateLimited(let retryAfter): retryAfter
    }
  }

  public var description: String { "\(code): \(message)" }

  public static func notFound(_ location: ObjectLocation) -> StoreError {
    StoreError(.notFound, "object \(location.bucket)/\(location.object) does not exist")
  }
}
