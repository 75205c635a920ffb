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
    var result = ""
    for byte in self {
      result.append(Self.hexDigits[Int(byte >> 4)])
      result.append(Self.hexDigits[Int(byte & 0x0F)])
    }
    return result
  }

  private static var hexDigits: [Character] { Array("0123456789abcdef") }
}
