extension StringProtocol {
  /// Drops whitespace and line breaks at both ends (a `\r\n` pair is one `Character`, so test `isWhitespace`).
  public func trimmingWhitespace() -> String {
    guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
    let last = lastIndex(where: { !$0.isWhitespace }) ?? first
    // Nothing to trim, the common case: no new string is built character by character.
    if first == startIndex, index(after: last) == endIndex { return String(self) }
    return String(self[first...last])
  }
}

extension Sequence<UInt8> {
  /// Lowercase hex digits.
  public var hexString: String {
    var digits: [UInt8] = []
    digits.reserveCapacity(underestimatedCount * 2)
    for byte in self {
      digits.append(HexDigits.lowercase[Int(byte >> 4)])
      digits.append(HexDigits.lowercase[Int(byte & 0x0F)])
    }
    return String(decoding: digits, as: UTF8.self)
  }
}

/// A stored table: a protocol extension can only compute a static property, which would build it again per digit.
private enum HexDigits {
  static let lowercase: [UInt8] = Array("0123456789abcdef".utf8)
}
