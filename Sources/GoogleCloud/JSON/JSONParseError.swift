/// Why bytes are not the JSON that was expected, and at which byte.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Byte offset of the problem; for a streamed array, counted from the start of the stream.
  public var offset: Int
  public var message: String

  public init(offset: Int, _ message: String) {
    self.offset = offset
    self.message = message
  }

  public var description: String { "invalid JSON at byte \(offset): \(message)" }

  func shifted(by base: Int) -> JSONParseError {
    JSONParseError(offset: offset + base, message)
  }

  /// A byte as it reads in a message: printable ASCII in quotes, anything else in hex.
  static func describe(_ byte: UInt8) -> String {
    (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }
}
