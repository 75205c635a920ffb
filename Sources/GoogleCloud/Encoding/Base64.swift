/// Base64 in both alphabets: tolerant decoding (standard or URL-safe, padded or not) and strict encoding.
///
/// Proto3 JSON writes `bytes` in the standard padded alphabet but parsers must also accept the URL-safe alphabet
/// and missing padding; JWTs need URL-safe output without padding. Foundation covers neither case.
///
/// Kept by hand rather than swift-extras-base64: a package for 77 lines, and this decoder's exact tolerance is what
/// the Firestore-value and `x-goog-hash` fuzz targets check.
public enum Base64 {
  private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  /// Maps an ASCII byte to its 6-bit value in either alphabet, or 0xFF.
  private static let decodingTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (value, byte) in standardAlphabet.enumerated() { table[Int(byte)] = UInt8(value) }
    table[Int(UInt8(ascii: "-"))] = 62
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  /// Decodes base64 text; returns nil for characters outside both alphabets, misplaced padding or an impossible length.
  public static func decode(_ text: some StringProtocol) -> [UInt8]? {
    var input = Array(text.utf8)
    // Padding is optional, but when present it must make the length a multiple of four.
    var padding = 0
    while input.last == UInt8(ascii: "=") {
      input.removeLast()
      padding += 1
    }
    if padding > 0, padding > 2 || (input.count + padding) % 4 != 0 { return nil }
    if input.count % 4 == 1 { return nil }
    var output: [UInt8] = []
    output.reserveCapacity(input.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in input {
      let value = decodingTable[Int(byte)]
      guard value != 0xFF else { return nil }
      accumulator = accumulator << 6 | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
        accumulator &= (1 << UInt32(bits)) - 1
      }
    }
    return output
  }

  /// Standard alphabet with `=` padding.
  public static func encode(_ bytes: some Sequence<UInt8>) -> String {
    encode(Array(bytes), alphabet: standardAlphabet, padded: true)
  }

  /// URL-safe alphabet without padding (RFC 4648 §5), as JWTs require.
  public static func encodeURL(_ bytes: some Sequence<UInt8>) -> String {
    encode(Array(bytes), alphabet: urlAlphabet, padded: false)
  }

  private static func encode(_ bytes: [UInt8], alphabet: [UInt8], padded: Bool) -> String {
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
      let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
      for shift in [18, 12, 6, 0] { output.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
      index += 3
    }
    let remaining = bytes.count - index
    if remaining > 0 {
      var group = UInt32(bytes[index]) << 16
      if remaining == 2 { group |= UInt32(bytes[index + 1]) << 8 }
      output.append(alphabet[Int(group >> 18 & 0x3F)])
      output.append(alphabet[Int(group >> 12 & 0x3F)])
      if remaining == 2 { output.append(alphabet[Int(group >> 6 & 0x3F)]) }
      if padded { output.append(contentsOf: Array(repeating: UInt8(ascii: "="), count: 3 - remaining)) }
    }
    return String(decoding: output, as: UTF8.self)
  }
}
