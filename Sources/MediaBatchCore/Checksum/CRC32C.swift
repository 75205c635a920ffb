/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Cloud Storage keeps for every object.
///
/// Slicing-by-8: eight table lookups per eight input bytes, several times faster than the bytewise loop.
public struct CRC32C: Sendable, Hashable {
  public private(set) var value: UInt32 = 0

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    value = CRC32Tables.castagnoli.update(value, bytes)
  }

  public mutating func update(_ bytes: some ContiguousCollectionOfBytes) {
    bytes.withBytes { update($0) }
  }

  public static func checksum(_ bytes: some ContiguousCollectionOfBytes) -> UInt32 {
    var crc = CRC32C()
    crc.update(bytes)
    return crc.value
  }

  /// Eight lowercase hex digits, the form the manifest uses.
  public static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}

/// Standard CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as PNG chunks and zip files use.
public struct CRC32: Sendable, Hashable {
  public private(set) var value: UInt32 = 0

  public init() {}

  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    value = CRC32Tables.ieee.update(value, bytes)
  }

  public mutating func update(_ bytes: some ContiguousCollectionOfBytes) {
    bytes.withBytes { update($0) }
  }
}

/// Byte containers that can lend their storage for hashing.
public protocol ContiguousCollectionOfBytes {
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousCollectionOfBytes where Element == UInt8 {
  public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}

extension ArraySlice: ContiguousCollectionOfBytes where Element == UInt8 {
  public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R { try withUnsafeBytes(body) }
}

/// The lookup tables of a reflected CRC-32, computed once per polynomial.
struct CRC32Tables: Sendable {
  static let castagnoli = CRC32Tables(polynomial: 0x82F6_3B78)
  static let ieee = CRC32Tables(polynomial: 0xEDB8_8320)

  /// Eight tables of 256 entries, flattened: entry `k * 256 + b`.
  private let table: [UInt32]

  init(polynomial: UInt32) {
    var table = [UInt32](repeating: 0, count: 8 * 256)
    for byte in 0..<256 {
      var crc = UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
      table[byte] = crc
    }
    for byte in 0..<256 {
      for slice in 1..<8 {
        let previous = table[(slice - 1) * 256 + byte]
        table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
      }
    }
    self.table = table
  }

  func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return crc }
    return table.withUnsafeBufferPointer { tablePointer in
      let t = tablePointer.baseAddress.unsafelyUnwrapped
      var crc = ~crc
      var offset = 0
      let count = bytes.count
      while count - offset >= 8 {
        let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
        let low = UInt32(truncatingIfNeeded: word) ^ crc
        let high = UInt32(truncatingIfNeeded: word >> 32)
        crc =
          t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
          ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
        offset += 8
      }
      while offset < count {
        let byte = base.load(fromByteOffset: offset, as: UInt8.self)
        crc = (crc >> 8) ^ t[Int((crc ^ UInt32(byte)) & 0xFF)]
        offset += 1
      }
      return ~crc
    }
  }
}
