/// A strict RFC 8259 parser producing `JSONValue`, with a nesting limit so hostile input cannot exhaust the stack.
public struct JSONParser: Sendable {
  /// Firestore nests at most 20 maps or arrays, and each costs three JSON levels; 256 leaves ample room.
  public static let defaultMaxDepth = 256

  public var maxDepth: Int

  public init(maxDepth: Int = JSONParser.defaultMaxDepth) {
    self.maxDepth = maxDepth
  }

  /// Parses one complete JSON text; surrounding whitespace is allowed, anything else after the value is not.
  public func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
    let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
      Result { () throws(JSONParseError) in try parse(buffer) }
    }
    if let result { return try result.get() }
    let copy = Array(bytes)
    return try copy.withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
  }

  /// Whether `text` is exactly one JSON number with nothing around it; proto3 JSON allows numbers in strings.
  static func isNumber(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { buffer in
      guard let first = buffer.first, first == UInt8(ascii: "-") || JSONCursor.isDigit(first) else { return false }
      var cursor = JSONCursor(bytes: buffer, maxDepth: 1)
      guard (try? cursor.parseNumber()) != nil else { return false }
      return cursor.isAtEnd
    }
  }

  func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
    var cursor = JSONCursor(bytes: buffer, maxDepth: maxDepth)
    cursor.skipWhitespace()
    let value = try cursor.parseValue(depth: 0)
    cursor.skipWhitespace()
    guard cursor.isAtEnd else { throw cursor.error("unexpected data after the JSON value") }
    return value
  }
}

/// The recursive-descent state over one contiguous buffer; kept separate so the hot loop works on a raw pointer.
struct JSONCursor {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  var index = 0

  /// Past this many members an object switches from linear to hashed duplicate-key checks.
  static let linearDuplicateCheckLimit = 12

  init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  var isAtEnd: Bool { index >= bytes.count }

  func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
    JSONParseError(offset: offset ?? index, message)
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
      default: return
      }
    }
  }

  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
    case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
    case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
    case UInt8(ascii: "n"): try expectLiteral("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    case let byte: throw error("unexpected \(JSONParseError.describe(byte)), expected a value")
    }
  }

  private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
    index += 1
    var members: [JSONObject.Member] = []
    var seen: Set<String>? = nil
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(JSONObject(members))
    }
    while true {
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input inside an object") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("unexpected \(JSONParseError.describe(bytes[index])), expected a member name in quotes")
      }
      let keyOffset = index
      let key = try parseString()
      // Duplicate keys are legal JSON but read differently by different parsers; refusing them removes the doubt.
      if var hashed = seen {
        guard hashed.insert(key).inserted else { throw error("duplicate member name \"\(key)\"", at: keyOffset) }
        seen = hashed
      } else {
        guard !members.contains(where: { $0.key == key }) else {
          throw error("duplicate member name \"\(key)\"", at: keyOffset)
        }
        if members.count >= Self.linearDuplicateCheckLimit { seen = Set(members.map(\.key) + [key]) }
      }
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error(index < bytes.count ? "expected ':' after a member name" : "unexpected end of input inside an object")
      }
      index += 1
      skipWhitespace()
      let value = try parseValue(depth: depth)
      members.append(JSONObject.Member(key, value))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input inside an object") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        return .object(JSONObject(members))
      case let byte: throw error("unexpected \(JSONParseError.describe(byte)), expected ',' or '}'")
      }
    }
  }

  private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= maxDepth else { throw error("nesting deeper than \(maxDepth) levels") }
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of input inside an array") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        return .array(elements)
      case let byte: throw error("unexpected \(JSONParseError.describe(byte)), expected ',' or ']'")
      }
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let start = index
    let count = literal.utf8CodeUnitCount
    guard bytes.count - index >= count else { throw error("unexpected end of input in a literal") }
    for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
      throw error("invalid literal, expected \(literal)", at: start)
    }
    index += count
  }

  /// Checks the JSON number grammar `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` and returns the text unchanged.
  mutating func parseNumber() throws(JSONParseError) -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("a number needs digits", at: start) }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count, Self.isDigit(bytes[index]) { throw error("a number cannot have a leading zero", at: start) }
    } else {
      skipDigits()
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("a number needs digits after '.'", at: start) }
      skipDigits()
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count, Self.isDigit(bytes[index]) else { throw error("a number needs digits in its exponent", at: start) }
      skipDigits()
    }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
  }

  private mutating func skipDigits() {
    while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
  }

  static func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
  }
}
