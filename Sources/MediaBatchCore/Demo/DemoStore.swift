import Crypto

/// The built-in object store: regenerates a demo object's bytes from its name and declares their CRC32C and MD5,
/// as Cloud Storage does in `x-goog-hash`, so the engine verifies the demo path like any other.
public struct DemoStore: MediaStore {
  public let catalog: DemoCatalog
  /// Added before every response, to model the round trip to a remote store.
  public var latency: Duration

  public init(catalog: DemoCatalog, latency: Duration = .zero) {
    self.catalog = catalog
    self.latency = latency
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
    return MediaResponse(info: info, bodyOffset: Int64(start), body: ByteStream(bytes: start == 0 ? served : Array(served[start...])))
  }

  public func currentGeneration(of location: ObjectLocation) async throws -> String? {
    guard let content = catalog.content(for: location), content != .missing else { throw StoreError.notFound(location) }
    return Self.generation
  }

  /// The bytes and declared checksums of a demo object, as the store would serve them; for verification.
  public func expectedObject(_ location: ObjectLocation) -> (bytes: [UInt8], crc32c: UInt32)? {
    guard let content = catalog.content(for: location), content != .missing else { return nil }
    let bytes = content.bytes()
    return (bytes, CRC32C.checksum(bytes))
  }
}
