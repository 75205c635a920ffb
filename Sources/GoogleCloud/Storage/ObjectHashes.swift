import Toolbox

/// The checksums Cloud Storage declares for an object in `x-goog-hash` response headers.
///
/// The JSON API sends one header, `crc32c=<b64>,md5=<b64>`; the XML API may send one header per hash. Values are
/// base64 of the raw digest: 4 bytes big-endian for CRC32C, 16 bytes for MD5. Composite objects have no MD5.
public struct ObjectHashes: Sendable, Hashable {
  public var crc32c: UInt32?
  public var md5: [UInt8]?

  public init(crc32c: UInt32? = nil, md5: [UInt8]? = nil) {
    self.crc32c = crc32c
    self.md5 = md5
  }

  /// Reads every `x-goog-hash` header value. Unknown algorithms are skipped; a malformed or contradictory value
  /// for a known one is an error, because silently dropping it would skip verification.
  public init(headerValues: some Sequence<String>) throws(CloudStorageError) {
    self.init()
    for header in headerValues {
      for entry in header.split(separator: ",") {
        let trimmed = entry.trimmingWhitespace()
        guard !trimmed.isEmpty else { continue }
        guard let equals = trimmed.firstIndex(of: "=") else { throw Self.malformed("\"\(trimmed)\" is not name=value") }
        let name = trimmed[..<equals].lowercased()
        let value = trimmed[trimmed.index(after: equals)...]
        switch name {
        case "crc32c":
          guard let bytes = Base64.decode(value), bytes.count == 4 else { throw Self.malformed("crc32c=\(value) is not 4 bytes of base64") }
          let parsed = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
          if let crc32c, crc32c != parsed { throw Self.malformed("two different crc32c values") }
          crc32c = parsed
        case "md5":
          guard let bytes = Base64.decode(value), bytes.count == 16 else { throw Self.malformed("md5=\(value) is not 16 bytes of base64") }
          if let md5, md5 != bytes { throw Self.malformed("two different md5 values") }
          md5 = bytes
        default:
          continue
        }
      }
    }
  }

  /// The header value Cloud Storage would send for these hashes.
  public var headerValue: String {
    var parts: [String] = []
    if let crc32c { parts.append("crc32c=" + Base64.encode([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc32c >> $0) })) }
    if let md5 { parts.append("md5=" + Base64.encode(md5)) }
    return parts.joined(separator: ",")
  }

  private static func malformed(_ detail: String) -> CloudStorageError {
    .malformedHashes(detail)
  }
}
