import GoogleCloud
import Testing

@Suite("JSON parser", .timeLimit(.minutes(15)))
struct JSONParserTests {
  @Test("numbers keep their exact text, so int64 extremes and long decimals lose nothing")
  func numbersKeepExactText() throws {
    let value = try JSONValue(
      parsing: #"[9223372036854775807, -9223372036854775808, 0.1000000000000000055511151231257827, 1e400, -0, 12.5E-3]"#)
    #expect(
      value
        == .array([
          .number("9223372036854775807"), .number("-9223372036854775808"), .number("0.1000000000000000055511151231257827"),
          .number("1e400"), .number("-0"), .number("12.5E-3"),
        ]))
  }

  @Test("every escape decodes, including a surrogate pair split into two \\u escapes")
  func escapesDecode() throws {
    let value = try JSONValue(parsing: #""q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude00 end""#)
    #expect(value == .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t é € 😀 end"))
  }

  @Test("raw UTF-8 in strings and keys is kept")
  func rawUTF8IsKept() throws {
    let value = try JSONValue(parsing: #"{"clé": "日本語 🎵"}"#)
    #expect(value["clé"] == .string("日本語 🎵"))
  }

  @Test("object members keep their written order")
  func objectOrderIsKept() throws {
    let value = try JSONValue(parsing: #"{"z": 1, "a": 2, "m": 3}"#)
    #expect(value.objectValue?.keys == ["z", "a", "m"])
  }

  @Test(
    "malformed input is rejected with a message",
    arguments: [
      ("", "expected a value"),
      ("[1,]", "expected a value"),
      ("{\"a\":1,}", "member name"),
      ("[1 2]", "expected ',' or ']'"),
      ("01", "leading zero"),
      ("1.", "digits after '.'"),
      ("1e", "exponent"),
      ("-", "needs digits"),
      ("+1", "expected a value"),
      ("tru", "end of input"),
      ("nul", "end of input"),
      ("trux", "invalid literal"),
      ("\"abc", "unterminated string"),
      ("\"a\tb\"", "control character"),
      ("\"\\x\"", "invalid escape"),
      ("\"\\u12zz\"", "hex digit"),
      ("\"\\u12\"", "unterminated \\u escape"),
      ("\"\\ud83d\"", "unpaired surrogate"),
      ("\"\\ude00\"", "unpaired surrogate"),
      ("\"\\ud83d\\u0041\"", "not a low surrogate"),
      ("{\"a\":1,\"a\":2}", "duplicate member name"),
      ("[1] x", "after the JSON value"),
      ("{1:2}", "member name"),
      ("{\"a\" 1}", "expected ':'"),
      ("NaN", "expected a value"),
    ])
  func malformedInputIsRejected(input: String, expected: String) {
    #expect {
      _ = try JSONValue(parsing: input)
    } throws: { error in
      (error as? JSONParseError)?.message.contains(expected) == true
    }
  }

  @Test("bytes that are not UTF-8 inside a string are rejected")
  func invalidUTF8IsRejected() {
    let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
  }

  @Test("the nesting limit stops deep input before it can exhaust the stack")
  func nestingLimitHolds() throws {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect {
      _ = try JSONValue(parsing: deep)
    } throws: { error in
      (error as? JSONParseError)?.message.contains("nesting deeper") == true
    }
    let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
    _ = try JSONValue(parsing: fine)
  }

  @Test("duplicate keys are found in large objects too")
  func duplicateKeysInLargeObjects() {
    let members = (0..<40).map { "\"k\($0)\": \($0)" } + ["\"k7\": 0"]
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: "{" + members.joined(separator: ",") + "}") }
  }

  @Test("error offsets point at the offending byte")
  func errorOffsetsPointAtTheByte() {
    do {
      _ = try JSONValue(parsing: #"{"a": [1, 2, x]}"#)
      Issue.record("expected an error")
    } catch {
      #expect(error.offset == 13)
    }
  }

  @Test("serialising and parsing again gives the same value, escapes and order included")
  func serialisationRoundTrips() throws {
    let value = JSONValue.object(
      JSONObject([
        "s": .string("quote \" slash \\ nl \n tab \t nul \u{0} bell \u{7} é 😀"),
        "n": .number("-12.5e3"),
        "a": .array([.null, .bool(true), .bool(false), .integer(Int64.min)]),
        "o": .object(JSONObject()),
      ]))
    let text = value.serialized()
    #expect(try JSONValue(parsing: text) == value)
    #expect(text.hasPrefix(#"{"s":"quote \" slash \\ nl \n tab \t nul \u0000 bell \u0007"#))
  }
}
