import Testing
import Toolbox

@Suite("CRC32C", .timeLimit(.minutes(15)))
struct CRC32CTests {
  static let vectors: [([UInt8], UInt32)] = [
    (Array("123456789".utf8), 0xE306_9283),
    ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
    ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
    ((0..<32).map { UInt8($0) }, 0x46DD_794E),
    ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
    ([], 0),
  ]

  @Test("CRC32C matches the RFC 3720 B.4 vectors and the check value", arguments: vectors)
  func publishedVectors(bytes: [UInt8], expected: UInt32) {
    #expect(CRC32C.checksum(bytes) == expected)
  }

  /// The definition, one bit at a time: the reference the table-driven code must agree with.
  static func bitwise(_ bytes: [UInt8], polynomial: UInt32 = 0x82F6_3B78) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
    }
    return ~crc
  }

  @Test("lengths around the interleaved block size agree with the bitwise definition")
  func blockBoundaries() {
    var random = SplitMix64(seed: 3720)
    let bytes = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &random) }
    // Every block size the interleaving could use is a multiple of 512; cover each side of each multiple.
    var lengths = Array(0...64)
    for multiple in stride(from: 512, through: 19_968, by: 512) {
      lengths += [multiple - 1, multiple, multiple + 1, multiple + 9]
    }
    for length in lengths {
      let slice = Array(bytes[..<length])
      #expect(CRC32C.checksum(slice) == Self.bitwise(slice), "length \(length)")
    }
  }

  @Test("chunked updates at random split points equal one update, from any alignment")
  func chunkedUpdates() {
    var random = SplitMix64(seed: 4960)
    let bytes = (0..<12_000).map { _ in UInt8.random(in: 0...255, using: &random) }
    let whole = Self.bitwise(bytes)
    for _ in 0..<200 {
      var crc = CRC32C()
      var start = 0
      while start < bytes.count {
        let end = min(bytes.count, start + Int.random(in: 0...4000, using: &random))
        crc.update(bytes[start..<end])
        start = end
      }
      #expect(crc.value == whole)
    }
  }

  @Test("the checksums of slices combine into the whole's, for any cut points, empty slices included")
  func combinedSlices() {
    var random = SplitMix64(seed: 7_331)
    let bytes = (0..<40_000).map { _ in UInt8.random(in: 0...255, using: &random) }
    let whole = Self.bitwise(bytes)
    for _ in 0..<100 {
      var cuts = (0..<Int.random(in: 0...6, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
      cuts = ([0] + cuts.sorted() + [bytes.count])
      var combined = CRC32C.checksum([UInt8]())
      for (start, end) in zip(cuts, cuts.dropFirst()) {
        combined = CRC32C.combine(combined, CRC32C.checksum(bytes[start..<end]), lengthB: Int64(end - start))
      }
      #expect(combined == whole, "cuts \(cuts)")
    }
    // Lengths far past the bytes at hand: the zero run's checksum, combined, is the checksum of the zeros appended.
    let zeros = [UInt8](repeating: 0, count: 1 << 20)
    #expect(CRC32C.combine(CRC32C.checksum(bytes), CRC32C.checksum(zeros), lengthB: Int64(zeros.count)) == CRC32C.checksum(bytes + zeros))
  }

  @Test("CRC-32 (IEEE), which shares the table code, still matches its check value and long inputs")
  func ieee() {
    var crc = CRC32()
    crc.update(Array("123456789".utf8))
    #expect(crc.value == 0xCBF4_3926)
    let long = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    var longCRC = CRC32()
    longCRC.update(long)
    #expect(longCRC.value == Self.bitwise(long, polynomial: 0xEDB8_8320))
  }

  @Test("the hex form is eight lowercase digits")
  func hexForm() {
    #expect(CRC32C.hex(0xE306_9283) == "e3069283")
    #expect(CRC32C.hex(0x42) == "00000042")
  }
}
