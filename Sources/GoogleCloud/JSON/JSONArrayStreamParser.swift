/// Reads a JSON array that arrives in chunks and hands back each top-level element as soon as it is complete.
///
/// Firestore's `runQuery` and `batchGet` stream their results as one JSON array over a chunked response. Only the
/// bytes of the element being received are held, so memory is bounded by one element, never by the whole array.
/// A cheap scanner finds where each element ends (tracking depth, strings and escapes); the complete element is then
/// parsed strictly. Chunk boundaries may fall anywhere, even inside an escape or a multi-byte UTF-8 sequence,
/// because bytes are only decoded once the element is whole.
///
/// Kept by hand: no JSON package in reach hands out a listing page's array elements as their bytes arrive.
public struct JSONArrayStreamParser: Sendable {
  /// Where the scanner is in the array's grammar.
  private enum State: Sendable {
    case beforeArray
    /// After `[`: an element or `]`.
    case beforeFirstElement
    /// After `,`: an element is required.
    case beforeElement
    case inElement(Element)
    /// After an element: `,` or `]`.
    case afterElement
    case finished
    case failed(JSONParseError)
  }

  /// The kind of element being received, which decides how its end is found.
  private enum Element: Sendable {
    case container
    case string
    /// A number or a literal: it ends only at the next delimiter, which is not part of it.
    case bare
  }

  /// The largest element accepted; Firestore documents are at most 1 MiB, and JSON rarely more than triples that.
  public static let defaultMaxElementBytes = 64 << 20

  public let maxDepth: Int
  public let maxElementBytes: Int

  private var state: State = .beforeArray
  private var buffer: [UInt8] = []
  private var depth = 0
  private var inString = false
  private var escaped = false
  /// Bytes of the stream consumed before the current chunk, so errors can name a position in the whole response.
  private var streamOffset = 0
  private var elementOffset = 0

  public init(maxDepth: Int = JSONParser.defaultMaxDepth, maxElementBytes: Int = JSONArrayStreamParser.defaultMaxElementBytes) {
    self.maxDepth = maxDepth
    self.maxElementBytes = maxElementBytes
  }

  /// True once the closing `]` has been read.
  public var isFinished: Bool {
    if case .finished = state { return true }
    return false
  }

  /// Feeds the next chunk; returns the elements it completed, in order.
  public mutating func feed(_ chunk: [UInt8]) throws(JSONParseError) -> [JSONValue] {
    try chunk.withUnsafeBufferPointer { bytes in
      Result { () throws(JSONParseError) in try feed(bytes) }
    }.get()
  }

  /// Feeds the next chunk; returns the elements it completed, in order.
  public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> [JSONValue] {
    if case .failed(let error) = state { throw error }
    do {
      let elements = try scan(bytes)
      streamOffset += bytes.count
      return elements
    } catch {
      state = .failed(error)
      throw error
    }
  }

  /// Declares the end of the input; throws when the array was not closed, which is how a truncated response shows.
  public mutating func finish() throws(JSONParseError) {
    switch state {
    case .finished: return
    case .failed(let error): throw error
    case .beforeArray:
      throw fail(JSONParseError(offset: streamOffset, "the response is empty, expected a JSON array"))
    default:
      throw fail(JSONParseError(offset: streamOffset, "the response ended before the array's closing ']' (truncated)"))
    }
  }

  private mutating func fail(_ error: JSONParseError) -> JSONParseError {
    state = .failed(error)
    return error
  }

  private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> [JSONValue] {
    var elements: [JSONValue] = []
    var index = 0
    // Where the current element began in this chunk; nil when its first bytes came in an earlier chunk.
    var elementStart: Int? = nil
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      switch state {
      case .inElement(let element):
        let (end, complete) = scanElement(element, bytes, from: index)
        let segmentStart = elementStart ?? index
        guard buffer.count + (end - segmentStart) <= maxElementBytes else {
          throw JSONParseError(offset: elementOffset, "an array element is larger than \(maxElementBytes) bytes")
        }
        if depth > maxDepth { throw JSONParseError(offset: streamOffset + end, "nesting deeper than \(maxDepth) levels") }
        let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<end])
        index = end
        elementStart = nil
        guard complete else {
          buffer.append(contentsOf: segment)
          continue
        }
        // An element that lies within one chunk is parsed in place; only one split across chunks is copied.
        if buffer.isEmpty {
          elements.append(try parseElement(segment))
        } else {
          buffer.append(contentsOf: segment)
          let value = try buffer.withUnsafeBufferPointer { whole in
            Result { () throws(JSONParseError) in try parseElement(whole) }
          }.get()
          elements.append(value)
          buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
        }
        state = .afterElement
        continue
      case _ where Self.isWhitespace(byte):
        index += 1
        continue
      case .beforeArray:
        guard byte == UInt8(ascii: "[") else { throw unexpected(byte, at: index, "expected '[' to open the array") }
        state = .beforeFirstElement
      case .beforeFirstElement where byte == UInt8(ascii: "]"):
        state = .finished
      case .beforeFirstElement, .beforeElement:
        let element = try startElement(byte, at: index)
        state = .inElement(element)
        elementStart = index
        // A bare value's first byte is scanned with the rest of it; containers and strings consumed their opener.
        if case .bare = element { continue }
      case .afterElement:
        switch byte {
        case UInt8(ascii: ","): state = .beforeElement
        case UInt8(ascii: "]"): state = .finished
        default: throw unexpected(byte, at: index, "expected ',' or ']' after an array element")
        }
      case .finished:
        throw unexpected(byte, at: index, "data after the array's closing ']'")
      case .failed(let error):
        throw error
      }
      index += 1
    }
    // An element whose opener was the chunk's last byte has not been scanned yet: keep that byte for later.
    if let elementStart { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[elementStart..<count])) }
    return elements
  }

  private mutating func startElement(_ byte: UInt8, at index: Int) throws(JSONParseError) -> Element {
    elementOffset = streamOffset + index
    switch byte {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      depth = 1
      inString = false
      escaped = false
      return .container
    case UInt8(ascii: "\""):
      inString = true
      escaped = false
      return .string
    case UInt8(ascii: "]") where isAfterComma:
      throw unexpected(byte, at: index, "a trailing ',' before ']'")
    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ":"):
      throw unexpected(byte, at: index, "expected an array element")
    default:
      return .bare
    }
  }

  private var isAfterComma: Bool {
    if case .beforeElement = state { return true }
    return false
  }

  /// Finds where the current element ends within `bytes`; returns the end index and whether the element is complete.
  private mutating func scanElement(_ element: Element, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Bool) {
    var index = start
    let count = bytes.count
    switch element {
    case .bare:
      while index < count {
        switch bytes[index] {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
          return (index, true)
        default: index += 1
        }
      }
      return (index, false)
    case .string, .container:
      // Local copies keep the per-byte loop in registers.
      var depth = self.depth
      var inString = self.inString
      var escaped = self.escaped
      var complete = false
      if escaped, index < count {
        // The escape's backslash ended the previous chunk; this byte is the escaped character.
        escaped = false
        index += 1
      }
      scanning: while index < count {
        if inString {
          // Inside a string only `"` and `\` matter; skipping the rest in a tight loop is most of the speed.
          while index < count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
          guard index < count else { break }
          if bytes[index] == UInt8(ascii: "\\") {
            index += 2
            if index > count {
              index = count
              escaped = true
            }
            continue
          }
          index += 1
          inString = false
          if case .string = element {
            complete = true
            break scanning
          }
          continue
        }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          depth += 1
          if depth > maxDepth { break scanning }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 {
            complete = true
            break scanning
          }
        default: break
        }
      }
      self.depth = depth
      self.inString = inString
      self.escaped = escaped
      return (index, complete)
    }
  }

  private func parseElement(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
    do throws(JSONParseError) {
      return try JSONParser(maxDepth: maxDepth).parse(bytes)
    } catch {
      throw error.shifted(by: elementOffset)
    }
  }

  private func unexpected(_ byte: UInt8, at index: Int, _ message: String) -> JSONParseError {
    JSONParseError(offset: streamOffset + index, "unexpected \(JSONParseError.describe(byte)): \(message)")
  }

  private static func isWhitespace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
  }
}
