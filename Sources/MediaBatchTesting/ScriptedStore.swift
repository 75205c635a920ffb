public import MediaBatchCore
import Synchronization
import Toolbox

/// A store whose objects and faults a test scripts: per object, the bytes to serve and what goes wrong on which
/// attempt (an error before the body, a connection dropped after N bytes, corrupt bytes, a wrong declared hash).
public final class ScriptedStore: MediaStore, Sendable {
  /// What one attempt at an object does.
  public enum Fault: Sendable {
    /// Fail before any byte with this error.
    case fail(StoreError)
    /// Serve `bytes` bytes of the body, then drop the connection.
    case dropAfter(bytes: Int)
    /// Serve the body with one byte flipped.
    case corrupt
    /// Serve the body, then this many bytes more than the object has (a server that lies about the size).
    case oversize(extraBytes: Int)
    /// Serve the body `bytes` at a time, waiting `every` before each piece (a server that drips).
    case drip(bytes: Int, every: Duration)
  }

  public struct Object: Sendable {
    public var bytes: [UInt8]
    public var generation: String
    /// Faults for the first attempts, in order; later attempts succeed.
    public var faults: [Fault]
    /// Declare this CRC32C instead of the true one.
    public var declaredCRC32C: UInt32?
    /// When false, a request from an offset gets the whole object, as for a transcoded object.
    public var honoursRange: Bool
    /// When false, a ranged response declares no hashes, as some emulators do.
    public var hashesOnRangedResponses: Bool
    /// When false, no response declares a hash (no `x-goog-hash`).
    public var declaresHashes: Bool
    /// When false, the object's metadata has no hash either: its bytes cannot be verified at all.
    public var metadataDeclaresHashes: Bool
    /// `gzip` when `bytes` are stored compressed.
    public var contentEncoding: String?

    public init(
      bytes: [UInt8],
      generation: String = "1",
      faults: [Fault] = [],
      declaredCRC32C: UInt32? = nil,
      honoursRange: Bool = true,
      hashesOnRangedResponses: Bool = true,
      declaresHashes: Bool = true,
      metadataDeclaresHashes: Bool = true,
      contentEncoding: String? = nil
    ) {
      self.bytes = bytes
      self.generation = generation
      self.faults = faults
      self.declaredCRC32C = declaredCRC32C
      self.honoursRange = honoursRange
      self.hashesOnRangedResponses = hashesOnRangedResponses
      self.declaresHashes = declaresHashes
      self.metadataDeclaresHashes = metadataDeclaresHashes
      self.contentEncoding = contentEncoding
    }
  }

  /// One request the store received.
  public struct Request: Sendable, Hashable {
    public var object: String
    public var offset: Int64
    public var generation: String?

    public init(object: String, offset: Int64, generation: String?) {
      self.object = object
      self.offset = offset
      self.generation = generation
    }
  }

  private struct State {
    var objects: [String: Object]
    var attempts: [String: Int] = [:]
    var requests: [Request] = []
    var served: [String: Int] = [:]
    var generationRequests = 0
    var listings: [String] = []
    /// Objects removed since the store was made: gone from listings, 404 to requests.
    var deleted: Set<String> = []
  }

  private let state: Mutex<State>
  /// Served for objects not scripted: deterministic bytes derived from the name, `defaultSize` long.
  private let defaultSize: Int?

  /// Whether the store answers listings (of the objects scripted, not of those `defaultSize` makes up), and with how
  /// many objects a page.
  private let lists: Bool
  private let listPageSize: Int

  public init(objects: [String: Object] = [:], defaultSize: Int? = 1_000, lists: Bool = false, listPageSize: Int = 1_000) {
    self.state = Mutex(State(objects: objects))
    self.defaultSize = defaultSize
    self.lists = lists
    self.listPageSize = max(1, listPageSize)
  }

  /// How many times an object's generation was asked alone (`currentGeneration`).
  public var generationRequests: Int { state.withLock { $0.generationRequests } }

  /// The prefixes listed, one entry per page asked (`prefix`, or `prefix page N` for a later page).
  public var listings: [String] { state.withLock { $0.listings } }

  /// Deletes an object: listings no longer hold it and requests for it answer 404.
  public func delete(_ object: String) {
    state.withLock {
      $0.objects[object] = nil
      $0.deleted.insert(object)
    }
  }

  public var requests: [Request] { state.withLock { $0.requests } }

  /// How many body bytes the store has handed out for `object`, in all attempts.
  public func servedBytes(_ object: String) -> Int { state.withLock { $0.served[object, default: 0] } }

  /// The bytes a download of `object` must end up with.
  public func expectedBytes(_ object: String) -> [UInt8]? {
    state.withLock { $0.objects[object]?.bytes } ?? defaultSize.map { Self.bytes(for: object, count: $0) }
  }

  public static func bytes(for name: String, count: Int) -> [UInt8] {
    var seed = UInt64(truncatingIfNeeded: name.hashValueStable)
    return (0..<count).map { _ in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 56)
    }
  }

  /// Replaces an object, as an upload of a new generation does.
  public func replace(_ object: String, with replacement: Object) {
    state.withLock { $0.objects[object] = replacement }
  }

  public func currentGeneration(of location: ObjectLocation) async throws -> String? {
    let object = state.withLock { state in
      state.generationRequests += 1
      return state.deleted.contains(location.object)
        ? nil : state.objects[location.object] ?? defaultSize.map { Object(bytes: Self.bytes(for: location.object, count: $0)) }
    }
    guard let object else { throw StoreError.notFound(location) }
    return object.generation
  }

  public func generationsPage(inBucket bucket: String, prefix: String, pageToken: String?) async throws -> GenerationsPage? {
    guard lists else { return nil }
    return state.withLock { state in
      state.listings.append(prefix + (pageToken.map { " page \($0)" } ?? ""))
      let names = state.objects.keys.filter { $0.hasPrefix(prefix) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      let start = pageToken.flatMap(Int.init) ?? 0
      let end = min(names.count, start + listPageSize)
      let objects = names[min(start, end)..<end].map { GenerationsPage.Object(name: $0, generation: state.objects[$0]?.generation ?? "") }
      return GenerationsPage(objects: objects, nextPageToken: end < names.count ? String(end) : nil)
    }
  }

  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? {
    let object = state.withLock { state in
      state.objects[location.object] ?? defaultSize.map { Object(bytes: Self.bytes(for: location.object, count: $0)) }
    }
    guard let object else { throw StoreError.notFound(location) }
    let crc32c = object.metadataDeclaresHashes ? object.declaredCRC32C ?? CRC32C.checksum(object.bytes) : nil
    return ObjectInfo(size: Int64(object.bytes.count), generation: object.generation, crc32c: crc32c)
  }

  public func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse {
    let (object, fault): (Object?, Fault?) = state.withLock { state in
      state.requests.append(Request(object: location.object, offset: offset, generation: generation))
      let attempt = state.attempts[location.object, default: 0]
      state.attempts[location.object] = attempt + 1
      let object = state.deleted.contains(location.object)
        ? nil : state.objects[location.object] ?? defaultSize.map { Object(bytes: Self.bytes(for: location.object, count: $0)) }
      let fault = object.flatMap { attempt < $0.faults.count ? $0.faults[attempt] : nil }
      return (object, fault)
    }
    guard let object else { throw StoreError.notFound(location) }
    if let generation, generation != object.generation {
      throw StoreError(.notFound, "generation \(generation) of \(location) does not exist")
    }
    let start = object.honoursRange ? min(offset, Int64(object.bytes.count)) : 0
    let declaresHashes = object.declaresHashes && (start == 0 || object.hashesOnRangedResponses)
    let info = ObjectInfo(
      size: Int64(object.bytes.count),
      generation: object.generation,
      crc32c: declaresHashes ? object.declaredCRC32C ?? CRC32C.checksum(object.bytes) : nil,
      contentType: "application/octet-stream",
      contentEncoding: object.contentEncoding
    )
    var body = Array(object.bytes[Int(start)...])
    switch fault {
    case .fail(let error)?:
      throw error
    case .dropAfter(let count)?:
      return MediaResponse(info: info, bodyOffset: start, body: ByteStream(DroppingChunks(bytes: Array(body.prefix(count)))))
    case .corrupt?:
      if !body.isEmpty { body[body.count / 2] ^= 0xFF }
    case .oversize(let extra)?:
      return MediaResponse(info: info, bodyOffset: start, body: ByteStream(counting(body, then: extra, of: location.object)))
    case .drip(let size, let interval)?:
      return MediaResponse(info: info, bodyOffset: start, body: ByteStream(Dripping(bytes: body, size: size, interval: interval)))
    case nil:
      break
    }
    return MediaResponse(info: info, bodyOffset: start, body: ByteStream(counting(body, then: 0, of: location.object)))
  }

  /// The body in chunks of 256 bytes, then `extra` bytes of padding in chunks of 64 KiB, each counted as it is pulled.
  private func counting(_ body: [UInt8], then extra: Int, of object: String) -> CountingChunks {
    CountingChunks(body: body, extra: extra) { [self] count in self.state.withLock { $0.served[object, default: 0] += count } }
  }
}

/// A body served in chunks, each reported as it is pulled, with optional padding after it.
struct CountingChunks: AsyncSequence, Sendable {
  let body: [UInt8]
  let extra: Int
  let pulled: @Sendable (Int) -> Void

  func makeAsyncIterator() -> Iterator { Iterator(chunks: self) }

  struct Iterator: AsyncIteratorProtocol {
    let chunks: CountingChunks
    var offset = 0
    var padded = 0

    mutating func next() async throws -> [UInt8]? {
      let chunk: [UInt8]
      if offset < chunks.body.count {
        chunk = Array(chunks.body[offset..<Swift.min(offset + 256, chunks.body.count)])
        offset += chunk.count
      } else if padded < chunks.extra {
        chunk = [UInt8](repeating: 0x41, count: Swift.min(chunks.extra - padded, 64 * 1024))
        padded += chunk.count
      } else {
        return nil
      }
      chunks.pulled(chunk.count)
      return chunk
    }
  }
}

/// Yields a body a few bytes at a time, slowly.
struct Dripping: AsyncSequence, Sendable {
  let bytes: [UInt8]
  let size: Int
  let interval: Duration

  func makeAsyncIterator() -> Iterator { Iterator(dripping: self) }

  struct Iterator: AsyncIteratorProtocol {
    let dripping: Dripping
    var offset = 0

    mutating func next() async throws -> [UInt8]? {
      guard offset < dripping.bytes.count else { return nil }
      // The behaviour being modelled (a server that drips), not a wait for something.
      try await Task.sleep(for: dripping.interval)
      let end = Swift.min(offset + dripping.size, dripping.bytes.count)
      defer { offset = end }
      return Array(dripping.bytes[offset..<end])
    }
  }
}

/// Yields some bytes, then fails as a dropped connection does.
struct DroppingChunks: AsyncSequence, Sendable {
  let bytes: [UInt8]

  struct ConnectionDropped: Error {}

  func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes) }

  struct Iterator: AsyncIteratorProtocol {
    var bytes: [UInt8]?

    mutating func next() async throws -> [UInt8]? {
      guard let chunk = bytes else { throw ConnectionDropped() }
      bytes = nil
      return chunk
    }
  }
}

extension String {
  /// FNV-1a: stable across runs and processes, unlike `hashValue`.
  var hashValueStable: UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01B3
    }
    return hash
  }
}
