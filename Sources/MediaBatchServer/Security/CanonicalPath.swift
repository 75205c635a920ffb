/// Makes a request path canonical once, before anything looks at it, so that authentication and routing see the same
/// path: `//jobs` and `/%6Aobs` are `/jobs`. Segments are percent-decoded and written again with only unreserved
/// characters bare (`%2A`, never `*`), and empty segments are dropped.
///
/// Refused, because a canonical form would guess: an escape that is not two hex digits, NUL and other control
/// characters (`400`: the path cannot be read); a `.` or `..` segment, plain or encoded, and an encoded `/` or `\`
/// (`%2F`, `%5C`: a separator that would not be one) (`404`: a path that tries to step out of its place names nothing
/// here, whatever it was aiming at); and a trailing slash (`404`: `/jobs/` is no resource, and a job id is never empty).
enum CanonicalPath {
  struct Refusal: Error, Equatable {
    var reason: String
    /// A path that names nothing, rather than one that cannot be read.
    var isNotFound = false
  }

  static func make(_ raw: String) throws(Refusal) -> String {
    var segments: [[UInt8]] = []
    for segment in raw.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
      let decoded = try decode(segment)
      guard decoded != [UInt8(ascii: ".")], decoded != [UInt8(ascii: "."), UInt8(ascii: ".")] else {
        throw Refusal(reason: "the path has a . or .. segment", isNotFound: true)
      }
      segments.append(decoded)
    }
    if !segments.isEmpty, raw.utf8.last == UInt8(ascii: "/") {
      throw Refusal(reason: "no such endpoint: \(raw) (paths have no trailing slash)", isNotFound: true)
    }
    var path = ""
    for segment in segments {
      path += "/"
      path += encode(segment)
    }
    return path.isEmpty ? "/" : path
  }

  private static func decode(_ segment: some Collection<UInt8>) throws(Refusal) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(segment.count)
    var index = segment.startIndex
    while index != segment.endIndex {
      var byte = segment[index]
      index = segment.index(after: index)
      if byte == UInt8(ascii: "%") {
        guard index != segment.endIndex, let high = hexValue(segment[index]) else { throw Refusal(reason: "a % is not followed by two hex digits") }
        index = segment.index(after: index)
        guard index != segment.endIndex, let low = hexValue(segment[index]) else { throw Refusal(reason: "a % is not followed by two hex digits") }
        index = segment.index(after: index)
        byte = high << 4 | low
        guard byte != UInt8(ascii: "/"), byte != UInt8(ascii: "\\") else {
          throw Refusal(reason: "an encoded / or \\ inside a path segment is not allowed", isNotFound: true)
        }
      }
      guard byte >= 0x20, byte != 0x7F else { throw Refusal(reason: "the path holds a control character") }
      bytes.append(byte)
    }
    return bytes
  }

  private static func encode(_ segment: [UInt8]) -> String {
    var text = ""
    text.reserveCapacity(segment.count)
    for byte in segment {
      if isUnreserved(byte) {
        text.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        text.unicodeScalars.append("%")
        text.unicodeScalars.append(digits[Int(byte >> 4)])
        text.unicodeScalars.append(digits[Int(byte & 0x0F)])
      }
    }
    return text
  }

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
      || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }
}
