extension StringProtocol {
  /// Drops whitespace and line breaks at both ends (a `\r\n` pair is one `Character`, so test `isWhitespace`).
  func trimmingWhitespace() -> String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
