import MediaBatchCore
import PropertyBased
import Testing

@Suite("Checksums")
struct ChecksumTests {
  static let vectors: [([UInt8], UInt32)] = [
    (Array("123456789".utf8), 0xE306_9283),
    ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
    ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
    ((0..<32).map { UInt8($0) }, 0x46DD_794E),
    ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
    ([], 0),
  ]

  @Test("CRC32C matches the published test vectors (RFC 3720 B.4 and the check value)", arguments: vectors)
  func crc32cVectors(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(bytes) == expected)
  }

  @Test("CRC32C over chunks equals CRC32C over the whole, wherever the chunks split")
  func crc32cIsIncremental() async {
    await propertyCheck(count: 300, input: Gen<UInt8>.value(in: 0...255).array(of: 0...200), Gen.int(in: 0...200)) {
      (bytes: [UInt8], split: Int) in
      let cut = min(split, bytes.count)
      var crc = CRC32C()
      crc.update(Array(bytes[..<cut]))
      crc.update(Array(bytes[cut...]))
      #expect(crc.value == CRC32C.checksum(bytes))
      #expect(crc.value == Self.bitwiseCRC32C(bytes))
    }
  }

  @Test("CRC-32 (IEEE) matches its check value")
  func crc32CheckValue() {
    var crc = CRC32()
    crc.update(Array("123456789".utf8))
    #expect(crc.value == 0xCBF4_3926)
  }

  @Test("hex form is eight lowercase digits")
  func hexForm() {
    #expect(CRC32C.hex(0xE306_9283) == "e3069283")
    #expect(CRC32C.hex(0x42) == "00000042")
  }

  /// The definition, one bit at a time: the reference the table-driven code must agree with.
  static func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
  }
}
