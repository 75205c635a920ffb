import GoogleCloud
import Testing
import Toolbox

@Suite("Streamed JSON array", .timeLimit(.minutes(15)))
struct JSONArrayStreamParserTests {
  /// A runQuery-like response exercising what chunk boundaries can cut: escapes, surrogate pairs, raw multi-byte
  /// UTF-8, brackets inside strings, numbers, literals and whitespace.
  static let sample = """
    [ {"document": {"name": "projects/p/databases/(default)/documents/users/a", "fields": {"t": {"stringValue": "br[ack]et {x} \\"q\\" \\\\ \\u00e9 \\ud83d\\ude00 日本 🎵"}}}, "readTime": "2025-01-01T00:00:00.123456Z"},
    {"readTime":"2025-01-01T00:00:00Z","skippedResults":3} ,
      "top-level string with ] and , inside",
    -12.5e3, true, null, [], {},
    {"deep": [[[{"a": [1, 2, {"b": "]]]}}}"}]}]]]}
    ]
    """

  static func feedAll(_ bytes: [UInt8], splits: [Int]) throws -> [JSONValue] {
    var parser = JSONArrayStreamParser()
    var elements: [JSONValue] = []
    var start = 0
    for cut in splits.sorted() + [bytes.count] where cut >= start {
      elements += try parser.feed(Array(bytes[start..<cut]))
      start = cut
    }
    try parser.finish()
    return elements
  }

  static func expectedElements() throws -> [JSONValue] {
    guard case .array(let elements) = try JSONValue(parsing: sample) else { throw TestFailure() }
    return elements
  }

  @Test("fed in one piece, the elements equal those of a whole-document parse")
  func onePieceMatchesWholeParse() throws {
    let elements = try Self.feedAll(Array(Self.sample.utf8), splits: [])
    #expect(elements == (try Self.expectedElements()))
    #expect(elements.count == 9)
  }

  @Test("fed one byte at a time, the elements are the same")
  func byteAtATimeMatches() throws {
    let bytes = Array(Self.sample.utf8)
    #expect(try Self.feedAll(bytes, splits: Array(0...bytes.count)) == (try Self.expectedElements()))
  }

  @Test("split at random points, the same input always gives the same elements")
  func randomSplitsGiveTheSameElements() throws {
    let bytes = Array(Self.sample.utf8)
    let expected = try Self.expectedElements()
    var random = SplitMix64(seed: 20_251_125)
    for _ in 0..<500 {
      let splits = (0..<Int.random(in: 1...12, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
      #expect(try Self.feedAll(bytes, splits: splits) == expected, "splits \(splits.sorted())")
    }
  }

  @Test("random arrays of random values survive random splits")
  func randomValuesSurviveRandomSplits() throws {
    var random = SplitMix64(seed: 7)
    for _ in 0..<200 {
      let elements = (0..<Int.random(in: 0...6, using: &random)).map { _ in Self.randomValue(depth: 0, using: &random) }
      let bytes = JSONValue.array(elements).serializedBytes()
      let splits = (0..<Int.random(in: 0...8, using: &random)).map { _ in Int.random(in: 0...bytes.count, using: &random) }
      #expect(try Self.feedAll(bytes, splits: splits) == elements)
    }
  }

  static func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
    let pieces = ["a", "é", "😀", "\"", "\\", "]", "}", "[", "{", ",", " ", "\n", "\u{1}", "日"]
    switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &random) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .integer(Int64.random(in: .min ... .max, using: &random))
    case 3, 4:
      return .string((0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random) ?? "" }.joined())
    case 5:
      return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
    default:
      var object = JSONObject()
      for index in 0..<Int.random(in: 0...4, using: &random) {
        object.set("k\(index)\(pieces[index])", randomValue(depth: depth + 1, using: &random))
      }
      return .object(object)
    }
  }

  @Test("an element is handed back as soon as it is complete, before the array ends")
  func elementsArriveEarly() throws {
    var parser = JSONArrayStreamParser()
    #expect(try parser.feed(Array(#"[{"a":1},{"b""#.utf8)) == [.object(JSONObject(["a": .integer(1)]))])
    #expect(try parser.feed(Array(#":2}"#.utf8)) == [.object(JSONObject(["b": .integer(2)]))])
    #expect(!parser.isFinished)
    #expect(try parser.feed(Array(" ]\n".utf8)).isEmpty)
    #expect(parser.isFinished)
    try parser.finish()
  }

  @Test("a number at the end of a chunk waits for its delimiter")
  func numbersWaitForTheirDelimiter() throws {
    var parser = JSONArrayStreamParser()
    #expect(try parser.feed(Array("[12".utf8)).isEmpty)
    #expect(try parser.feed(Array("34".utf8)).isEmpty)
    #expect(try parser.feed(Array("]".utf8)) == [.number("1234")])
  }

  @Test("an empty array gives no elements")
  func emptyArray() throws {
    #expect(try Self.feedAll(Array(" [ \r\n\t] ".utf8), splits: [2, 4]).isEmpty)
  }

  @Test("a truncated response is an error at finish, wherever it was cut")
  func truncationIsDetected() throws {
    let bytes = Array(Self.sample.utf8)
    for cut in stride(from: 0, to: bytes.count - 1, by: 7) {
      var parser = JSONArrayStreamParser()
      _ = try? parser.feed(Array(bytes[..<cut]))
      #expect(throws: JSONParseError.self) { try parser.finish() }
    }
  }

  @Test(
    "malformed streams are rejected",
    arguments: [
      ("{\"a\":1}", "expected '['"),
      ("[1,]", "trailing ','"),
      ("[,1]", "expected an array element"),
      ("[1 2]", "expected ',' or ']'"),
      ("[{\"a\":1}{\"b\":2}]", "expected ',' or ']'"),
      ("[1] [2]", "after the array's closing ']'"),
      ("[{\"a\":1]]", "expected ',' or '}'"),
      ("[tru]", "literal"),
      ("[01]", "leading zero"),
      ("[\"\\ud83d\"]", "unpaired surrogate"),
    ])
  func malformedStreamsAreRejected(input: String, expected: String) {
    var parser = JSONArrayStreamParser()
    #expect {
      _ = try parser.feed(Array(input.utf8))
      try parser.finish()
    } throws: { error in
      (error as? JSONParseError)?.message.contains(expected) == true
    }
  }

  @Test("error offsets count from the start of the stream, across chunks")
  func errorOffsetsSpanChunks() throws {
    var parser = JSONArrayStreamParser()
    _ = try parser.feed(Array(#"[{"a":1},"#.utf8))
    do {
      _ = try parser.feed(Array(#"{"b":x}]"#.utf8))
      Issue.record("expected an error")
    } catch {
      #expect(error.offset == 9 + 5)
    }
  }

  @Test("after an error every later call fails the same way")
  func errorsAreSticky() throws {
    var parser = JSONArrayStreamParser()
    #expect(throws: JSONParseError.self) { try parser.feed(Array("x".utf8)) }
    #expect(throws: JSONParseError.self) { try parser.feed(Array("[]".utf8)) }
    #expect(throws: JSONParseError.self) { try parser.finish() }
  }

  @Test("an element larger than the limit is refused instead of buffered")
  func elementSizeIsBounded() {
    var parser = JSONArrayStreamParser(maxElementBytes: 1000)
    let big = "[\"" + String(repeating: "x", count: 2000) + "\"]"
    #expect {
      _ = try parser.feed(Array(big.utf8))
    } throws: { error in
      (error as? JSONParseError)?.message.contains("larger than 1000 bytes") == true
    }
  }

  @Test("nesting beyond the limit is refused while scanning")
  func nestingIsBounded() {
    var parser = JSONArrayStreamParser(maxDepth: 10)
    #expect(throws: JSONParseError.self) { try parser.feed(Array(("[" + String(repeating: "[", count: 50)).utf8)) }
  }

  @Test("an empty response is reported as empty, not as truncated JSON")
  func emptyResponse() {
    var parser = JSONArrayStreamParser()
    #expect {
      try parser.finish()
    } throws: { error in
      (error as? JSONParseError)?.message.contains("empty") == true
    }
  }
}
