import Crypto
public import MediaBatchCore
import Toolbox

/// The built-in object store: regenerates a demo object's bytes from its name and declares their CRC32C and MD5,
/// as Cloud Storage does in `x-goog-hash`, so the engine verifies the demo path like any other.
public struct DemoStore: MediaStore {
  public let catalog: DemoCatalog
  /// Added before every response, to model the round trip to a remote store.
  public var latency: Duration
  /// Limits each download to this many bytes per second, to model a slow link; unlimited when `nil`.
  public var bytesPerSecond: Int?

  public init(catalog: DemoCatalog, latency: Duration = .zero, bytesPerSecond: Int? = nil) {
    self.catalog = catalog
    self.latency = latency
    self.bytesPerSecond = bytesPerSecond.map { max(1, $0) }
  }

  /// The generation every demo object has.
  public static let generation = "1732550400000000"

  public func open(_ location: ObjectLocation, offset: Int64, generation: String?) async throws -> MediaResponse {
    if latency > .zero { try await Task.sleep(for: latency) }
    guard let content = catalog.content(for: location), content != .missing else {
      throw StoreError.notFound(location)
    }
    if let generation, generation != Self.generation {
      throw StoreError(.notFound, "object \(location.bucket)/\(location.object) has no generation \(generation)")
    }
    let declared: [UInt8]
    let served = content.bytes()
    if case .corrupted(let original) = content { declared = original.bytes() } else { declared = served }
    let info = ObjectInfo(
      size: Int64(declared.count),
      generation: Self.generation,
      crc32c: CRC32C.checksum(declared),
      md5: Array(Insecure.MD5.hash(data: declared)),
      contentType: content.contentType
    )
    let start = Int(min(max(offset, 0), Int64(served.count)))
    let body = start == 0 ? served : Array(served[start...])
    guard let bytesPerSecond else { return MediaResponse(info: info, bodyOffset: Int64(start), body: ByteStream(bytes: body)) }
    return MediaResponse(info: info, bodyOffset: Int64(start), body: ByteStream(ThrottledChunks(bytes: body, bytesPerSecond: bytesPerSecond)))
  }

  public func currentGeneration(of location: ObjectLocation) async throws -> String? {
    guard let content = catalog.content(for: location), content != .missing else { throw StoreError.notFound(location) }
    return Self.generation
  }

  public func objectInfo(of location: ObjectLocation) async throws -> ObjectInfo? {
    guard let content = catalog.content(for: location), content != .missing else { throw StoreError.notFound(location) }
    let declared: [UInt8]
    if case .corrupted(let original) = content { declared = original.bytes() } else { declared = content.bytes() }
    return ObjectInfo(size: Int64(declared.count), generation: Self.generation, crc32c: CRC32C.checksum(declared), contentType: content.contentType)
  }

  /// The bytes and declared checksums of a demo object, as the store would serve them; for verification.
  public func expectedObject(_ location: ObjectLocation) -> (bytes: [UInt8], crc32c: UInt32)? {
    guard let content = catalog.content(for: location), content != .missing else { return nil }
    let bytes = content.bytes()
    return (bytes, CRC32C.checksum(bytes))
  }
}

/// Bytes in chunks of about a tenth of a second's worth each, one chunk per tenth of a second.
struct ThrottledChunks: AsyncSequence, Sendable {
  let bytes: [UInt8]
  let bytesPerSecond: Int

  func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes, chunkSize: Swift.max(1, bytesPerSecond / 10)) }

  struct Iterator: AsyncIteratorProtocol {
    let bytes: [UInt8]
    let chunkSize: Int
    var offset = 0

    mutating func next() async throws -> [UInt8]? {
      guard offset < bytes.count else { return nil }
      try await Task.sleep(for: .milliseconds(100))
      let end = Swift.min(offset + chunkSize, bytes.count)
      defer { offset = end }
      return Array(bytes[offset..<end])
    }
  }
}
