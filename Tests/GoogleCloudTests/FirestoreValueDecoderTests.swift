import Foundation
import GoogleCloud
import Testing

@Suite("Firestore value decoding", .timeLimit(.minutes(15)))
struct FirestoreValueDecoderTests {
  func decode(_ json: String) throws -> FirestoreValue {
    try FirestoreValueDecoder.value(from: try JSONValue(parsing: json))
  }

  func decodingError(_ json: String) -> FirestoreDecodingError? {
    do {
      _ = try FirestoreValueDecoder.fields(from: try JSONValue(parsing: json))
      return nil
    } catch let error as FirestoreDecodingError {
      return error
    } catch {
      return nil
    }
  }

  @Test("integerValue arrives as a decimal string and keeps all 64 bits")
  func integerAsString() throws {
    #expect(try decode(#"{"integerValue": "9223372036854775807"}"#) == .integer(.max))
    #expect(try decode(#"{"integerValue": "-9223372036854775808"}"#) == .integer(.min))
    #expect(try decode(#"{"integerValue": "9007199254740993"}"#) == .integer(9_007_199_254_740_993))
  }

  @Test("integerValue is also accepted as a number, with exponent or zero fraction when the value is whole")
  func integerAsNumber() throws {
    #expect(try decode(#"{"integerValue": 42}"#) == .integer(42))
    #expect(try decode(#"{"integerValue": 9223372036854775807}"#) == .integer(.max))
    #expect(try decode(#"{"integerValue": 1e3}"#) == .integer(1000))
    #expect(try decode(#"{"integerValue": "5.000"}"#) == .integer(5))
    #expect(try decode(#"{"integerValue": 0e999999999}"#) == .integer(0))
    #expect(try decode(#"{"integerValue": "-0"}"#) == .integer(0))
  }

  @Test(
    "integerValue that is fractional, out of range or not a number is an error",
    arguments: [#""9223372036854775808""#, #""-9223372036854775809""#, "1.5", "1e19", #""12abc""#, #"" 1""#, "true", "null", #""""#])
  func integerRejects(raw: String) {
    #expect(throws: FirestoreDecodingError.self) { try decode("{\"integerValue\": \(raw)}") }
  }

  @Test("doubleValue is a number, or the strings NaN, Infinity and -Infinity")
  func doubles() throws {
    #expect(try decode(#"{"doubleValue": 1.5}"#) == .double(1.5))
    #expect(try decode(#"{"doubleValue": -2e-3}"#) == .double(-0.002))
    #expect(try decode(#"{"doubleValue": "Infinity"}"#) == .double(.infinity))
    #expect(try decode(#"{"doubleValue": "-Infinity"}"#) == .double(-.infinity))
    guard case .double(let nan) = try decode(#"{"doubleValue": "NaN"}"#) else { throw TestFailure() }
    #expect(nan.isNaN)
    #expect(try decode(#"{"doubleValue": "2.5"}"#) == .double(2.5))
  }

  @Test("the key decides the type: doubleValue 1 is a double, integerValue 1 an integer")
  func keyDecidesType() throws {
    #expect(try decode(#"{"doubleValue": 1}"#) == .double(1))
    #expect(try decode(#"{"doubleValue": 1.0}"#) == .double(1))
    #expect(try decode(#"{"integerValue": "1"}"#) == .integer(1))
  }

  @Test("doubleValue rejects overflow and other strings", arguments: ["1e400", #""nan""#, #""inf""#, "true", #""1e400""#])
  func doubleRejects(raw: String) {
    #expect(throws: FirestoreDecodingError.self) { try decode("{\"doubleValue\": \(raw)}") }
  }

  @Test("nullValue is JSON null or the enum name, and a null is a value, not an absent field")
  func nulls() throws {
    #expect(try decode(#"{"nullValue": null}"#) == .null)
    #expect(try decode(#"{"nullValue": "NULL_VALUE"}"#) == .null)
    let fields = try FirestoreValueDecoder.fields(from: try JSONValue(parsing: #"{"gone": {"nullValue": null}}"#))
    #expect(fields == ["gone": .null])
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"nullValue": "nothing"}"#) }
  }

  @Test("booleanValue, stringValue and referenceValue decode as themselves")
  func simpleTypes() throws {
    #expect(try decode(#"{"booleanValue": false}"#) == .bool(false))
    #expect(try decode(#"{"stringValue": ""}"#) == .string(""))
    #expect(try decode(#"{"stringValue": "naïve 😀"}"#) == .string("naïve 😀"))
    #expect(
      try decode(#"{"referenceValue": "projects/p/databases/(default)/documents/images/i1"}"#)
        == .reference("projects/p/databases/(default)/documents/images/i1"))
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"booleanValue": "true"}"#) }
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"stringValue": 5}"#) }
  }

  @Test(
    "timestampValue is kept exactly as written, whatever its precision",
    arguments: [
      "2025-01-31T23:59:59Z", "2025-01-31T23:59:59.123Z", "2025-01-31T23:59:59.123456Z", "2025-01-31T23:59:59.123456789Z",
      "2024-02-29T00:00:00.5+02:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2025-06-01t10:00:00z",
    ])
  func timestampsKeptExactly(text: String) throws {
    #expect(try decode("{\"timestampValue\": \"\(text)\"}") == .timestamp(text))
  }

  @Test(
    "timestampValue that is not RFC 3339 is an error",
    arguments: [
      "2025-01-31", "2025-01-31 23:59:59Z", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2025-01-31T24:00:00Z",
      "2025-01-31T23:59:60Z", "2025-01-31T23:59:59.Z", "2025-01-31T23:59:59.1234567890Z", "2025-01-31T23:59:59",
      "2025-01-31T23:59:59+0200", "0000-01-01T00:00:00Z", "2025-01-31T23:59:59Zjunk", "1735689599",
    ])
  func timestampsValidated(text: String) {
    #expect(throws: FirestoreDecodingError.self) { try decode("{\"timestampValue\": \"\(text)\"}") }
  }

  @Test("bytesValue is base64 in the standard alphabet, and URL-safe or unpadded input is accepted too")
  func bytes() throws {
    let expected = FirestoreValue.bytes(Data([0xFB, 0xFF, 0xBF, 0x00, 0x01]))
    #expect(try decode(#"{"bytesValue": "+/+/AAE="}"#) == expected)
    #expect(try decode(#"{"bytesValue": "-_-_AAE"}"#) == expected)
    #expect(try decode(#"{"bytesValue": ""}"#) == .bytes(Data()))
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"bytesValue": "a"}"#) }
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"bytesValue": "ab$="}"#) }
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"bytesValue": "ab==="}"#) }
  }

  @Test("a geoPointValue off the globe (NaN, infinite, out of range) is refused, not carried into the manifest")
  func geoPointsOffTheGlobe() {
    // found by fuzzing: a NaN latitude decoded, then made the user's manifest impossible to write
    for json in [
      #"{"geoPointValue":{"latitude":"NaN","longitude":"Infinity"}}"#, #"{"geoPointValue":{"latitude":91,"longitude":0}}"#,
      #"{"geoPointValue":{"latitude":0,"longitude":"-Infinity"}}"#, #"{"geoPointValue":{"latitude":0,"longitude":180.5}}"#,
    ] {
      #expect(throws: FirestoreDecodingError.self, "\(json)") { try decode(json) }
    }
  }

  @Test("geoPointValue treats an omitted coordinate as 0, since proto3 drops zero values")
  func geoPoints() throws {
    #expect(try decode(#"{"geoPointValue": {"latitude": 48.85, "longitude": 2.35}}"#) == .geoPoint(latitude: 48.85, longitude: 2.35))
    #expect(try decode(#"{"geoPointValue": {"longitude": -73.5}}"#) == .geoPoint(latitude: 0, longitude: -73.5))
    #expect(try decode(#"{"geoPointValue": {"latitude": 12}}"#) == .geoPoint(latitude: 12, longitude: 0))
    #expect(try decode(#"{"geoPointValue": {}}"#) == .geoPoint(latitude: 0, longitude: 0))
  }

  @Test("an empty array arrives as arrayValue {} and an empty map as mapValue {}")
  func emptyContainers() throws {
    #expect(try decode(#"{"arrayValue": {}}"#) == .array([]))
    #expect(try decode(#"{"mapValue": {}}"#) == .map([:]))
    #expect(try decode(#"{"arrayValue": {"values": []}}"#) == .array([]))
    #expect(try decode(#"{"mapValue": {"fields": {}}}"#) == .map([:]))
  }

  @Test("nested arrays and maps decode recursively")
  func nesting() throws {
    let value = try decode(
      #"{"mapValue": {"fields": {"ids": {"arrayValue": {"values": [{"stringValue": "a"}, {"integerValue": "2"}, {"mapValue": {}}]}}, "n": {"nullValue": null}}}}"#
    )
    #expect(value == .map(["ids": .array([.string("a"), .integer(2), .map([:])]), "n": .null]))
  }

  @Test("a vector field is an ordinary map with __type__ and value")
  func vectors() throws {
    let value = try decode(
      #"{"mapValue": {"fields": {"__type__": {"stringValue": "__vector__"}, "value": {"arrayValue": {"values": [{"doubleValue": 0.5}, {"doubleValue": 1}]}}}}}"#
    )
    #expect(value == .map(["__type__": .string("__vector__"), "value": .array([.double(0.5), .double(1)])]))
  }

  @Test("unknown keys next to a known one are ignored, for newer API versions")
  func unknownKeysTolerated() throws {
    #expect(try decode(#"{"stringValue": "x", "fieldReferenceValue": "a.b"}"#) == .string("x"))
  }

  @Test("a value with no known key is an error that names the field path")
  func noKnownKeyNamesThePath() {
    let error = decodingError(
      #"{"meta": {"mapValue": {"fields": {"tags": {"arrayValue": {"values": [{"stringValue": "ok"}, {"functionValue": {}}]}}}}}}"#)
    #expect(error?.fieldPath == "meta.tags[1]")
    #expect(error?.message.contains("functionValue") == true)
    #expect(error?.description == "field meta.tags[1]: a Firestore value has no known type key (it has only functionValue)")
  }

  @Test("field path segments that are not identifiers are backtick-quoted in errors")
  func pathQuoting() {
    let error = decodingError(#"{"first name": {"mapValue": {"fields": {"a`b": {"integerValue": "x"}}}}}"#)
    #expect(error?.fieldPath == #"`first name`.`a\`b`"#)
  }

  @Test("a value with two known keys is an error")
  func twoKnownKeys() {
    #expect(throws: FirestoreDecodingError.self) { try decode(#"{"stringValue": "a", "integerValue": "1"}"#) }
  }

  @Test("a value that is not an object is an error", arguments: ["null", "1", #""s""#, "[]"])
  func nonObjectValue(raw: String) {
    #expect(throws: FirestoreDecodingError.self) { try decode(raw) }
  }
}
