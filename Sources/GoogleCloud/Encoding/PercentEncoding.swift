/// RFC 3986 percent-encoding of UTF-8, keeping only the unreserved characters `A-Z a-z 0-9 - . _ ~`.
///
/// Encoding every reserved character (including `/`) is what the Cloud Storage JSON API needs for an object name in
/// one path segment, and it is also a valid `application/x-www-form-urlencoded` value.
public enum PercentEncoding {
  /// Encodes every byte that is not unreserved; `/` becomes `%2F`, space `%20`, `%` itself `%25`.
  public static func encode(_ text: some StringProtocol) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
      if isUnreserved(byte) {
        output.append(byte)
      } else {
        output.append(UInt8(ascii: "%"))
        output.append(hexDigits[Int(byte >> 4)])
        output.append(hexDigits[Int(byte & 0x0F)])
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Decodes `%XX` sequences exactly once; returns nil for a malformed escape or bytes that are not UTF-8.
  ///
  /// `+` stays `+`: it means a space only in form bodies, never in a URL path.
  public static func decode(_ text: some StringProtocol) -> String? {
    let input = Array(text.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(input.count)
    var index = 0
    while index < input.count {
      let byte = input[index]
      if byte == UInt8(ascii: "%") {
        guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) else {
          return nil
        }
        output.append(high << 4 | low)
        index += 3
      } else {
        output.append(byte)
        index += 1
      }
    }
    return String(validating: output, as: UTF8.self)
  }

  /// An `application/x-www-form-urlencoded` body from ordered pairs.
  public static func formBody(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
  }

  static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
      UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
      true
    default: false
    }
  }

  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
