/// Strings: escapes, surrogate pairs and validation of the bytes between the quotes.
extension JSONCursor {
  mutating func parseString() throws(JSONParseError) -> String {
    let opening = index
    index += 1
    let start = index
    // Most strings have no escapes: scan once, noting whether any byte is non-ASCII, and build the String in place.
    var highBits: UInt8 = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
        let text = highBits < 0x80 ? String(decoding: raw, as: UTF8.self) : try makeString(raw, at: start)
        index += 1
        return text
      }
      highBits |= byte
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("unescaped control character in a string") }
      index += 1
    }
    guard index < bytes.count else { throw error("unterminated string", at: opening) }
    var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    decoded.reserveCapacity(decoded.count + 16)
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        let text = try decoded.withUnsafeBufferPointer { buffer in
          Result { () throws(JSONParseError) in try makeString(buffer, at: start) }
        }.get()
        index += 1
        return text
      case UInt8(ascii: "\\"):
        try appendEscape(to: &decoded)
      case 0..<0x20:
        throw error("unescaped control character in a string")
      default:
        decoded.append(byte)
        index += 1
      }
    }
    throw error("unterminated string", at: opening)
  }

  /// Validates before building: `String(decoding:)` would silently replace invalid UTF-8. Only strings with
  /// non-ASCII bytes come here, since `String(validating:)` is generic and markedly slower.
  func makeString(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONParseError) -> String {
    guard let text = String(validating: buffer, as: UTF8.self) else { throw error("a string is not valid UTF-8", at: offset) }
    return text
  }

  mutating func appendEscape(to decoded: inout [UInt8]) throws(JSONParseError) {
    let escapeStart = index
    index += 1
    guard index < bytes.count else { throw error("unterminated escape sequence", at: escapeStart) }
    let simple: UInt8
    switch bytes[index] {
    case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
    case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
    case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
    case UInt8(ascii: "b"): simple = 0x08
    case UInt8(ascii: "f"): simple = 0x0C
    case UInt8(ascii: "n"): simple = 0x0A
    case UInt8(ascii: "r"): simple = 0x0D
    case UInt8(ascii: "t"): simple = 0x09
    case UInt8(ascii: "u"):
      index += 1
      var scalar = try readHex4(escapeStart: escapeStart)
      if (0xD800...0xDBFF).contains(scalar) {
        // A high surrogate only means something together with the low surrogate escape that must follow it.
        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
          throw error("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart)
        }
        index += 2
        let low = try readHex4(escapeStart: escapeStart)
        guard (0xDC00...0xDFFF).contains(low) else {
          throw error("high surrogate followed by \\u\(String(low, radix: 16, uppercase: true)), not a low surrogate", at: escapeStart)
        }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      } else if (0xDC00...0xDFFF).contains(scalar) {
        throw error("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart)
      }
      guard let unicodeScalar = Unicode.Scalar(scalar) else { throw error("invalid \\u escape", at: escapeStart) }
      decoded.append(contentsOf: unicodeScalar.utf8)
      return
    case let byte:
      throw error("invalid escape sequence: '\\' followed by \(JSONParseError.describe(byte))", at: escapeStart)
    }
    decoded.append(simple)
    index += 1
  }

  mutating func readHex4(escapeStart: Int) throws(JSONParseError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("unterminated \\u escape", at: escapeStart) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("invalid hex digit in a \\u escape", at: escapeStart)
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}
