/// Fuzz target `firestore-value`: `FirestoreValueDecoder` (Sources/GoogleCloud/Firestore/FirestoreValueDecoder.swift)
/// with `ExactDecimal`, `RFC3339Timestamp` and `Base64`, producing `FirestoreValue`, and its conversion to MediaBatchCore's
/// `FieldValue` (Sources/MediaBatchFirebase/FieldValue+Firestore.swift).
///
/// The input is parsed as JSON (inputs that are not JSON are dropped) and decoded both as one `Value` and as a
/// `fields` map. Properties checked:
/// - decoding never crashes: it returns or throws `FirestoreDecodingError`;
/// - what it returns keeps what the proto3 JSON said: a map has as many fields as the JSON object; a timestamp is
///   valid RFC 3339; an `integerValue` written as a plain decimal decodes exactly when `Int64(text)` reads it, to
///   the same number, and any decoded integer equals the written number rounded to a double; a `doubleValue` is the
///   double its text denotes; `bytesValue` round-trips through `Base64`;
/// - `FieldValue`'s manifest encoding (`Codable`, encoded as `UserManifest` does) decodes back to an equal value
///   ("so the manifest loses nothing"); NaN compares equal to NaN here.

import MediaBatchCore

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFirestoreValue(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard let json = try? JSONParser().parse(UnsafeBufferPointer(start: data, count: size)) else { return 0 }

  if let value = try? FirestoreValueDecoder.value(from: json) {
    check(value, against: json)
    checkManifestRoundTrip(FieldValue(value))
  }
  if let fields = try? FirestoreValueDecoder.fields(from: json) {
    let count = json.objectValue?.count ?? 0
    require(fields.count == count, "fields(from:) returned \(fields.count) fields for an object of \(count) members")
    for (key, value) in fields {
      if let member = json[key] { check(value, against: member) }
    }
    checkManifestRoundTrip(.map(FieldValue.fields(fields)))
  }
  return 0
}

/// Checks a decoded value against the `Value` JSON it came from.
private func check(_ value: FirestoreValue, against json: JSONValue) {
  guard let object = json.objectValue,
    let member = object.members.first(where: { knownKeys.contains($0.key) })
  else { violation("decoded \(value) from JSON without a known value key: \(escaped(json.serialized()))") }
  let payload = member.value
  switch (member.key, value) {
  case ("nullValue", .null), ("booleanValue", .bool), ("stringValue", .string), ("referenceValue", .reference): break
  case ("integerValue", .integer(let number)):
    let text = numberText(payload)!
    let plain = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    if plain { require(Int64(text) == number, "integerValue \(text) decoded as \(number)") }
    require(Double(text)! == Double(number), "integerValue \(text) decoded as \(number), which is not the same number")
  case ("doubleValue", .double(let number)):
    switch payload {
    case .string("NaN"): require(number.isNaN, "doubleValue \"NaN\" decoded as \(number)")
    case .string("Infinity"): require(number == .infinity, "doubleValue \"Infinity\" decoded as \(number)")
    case .string("-Infinity"): require(number == -.infinity, "doubleValue \"-Infinity\" decoded as \(number)")
    default:
      let text = numberText(payload)!
      require(Double(text) == number && number.isFinite, "doubleValue \(text) decoded as \(number)")
    }
  case ("timestampValue", .timestamp(let text)):
    require(RFC3339Timestamp.isValid(text), "timestamp \(escaped(text)) accepted but not valid")
    require(payload.stringValue.map { Array($0.utf8) == Array(text.utf8) } == true, "timestamp text changed")
  case ("bytesValue", .bytes(let bytes)):
    require(Base64.decode(Base64.encode(bytes)) == Array(bytes), "bytes do not round-trip through Base64")
  case ("geoPointValue", .geoPoint): break
  case ("arrayValue", .array(let elements)):
    let values = payload["values"]?.arrayValue ?? []
    require(values.count == elements.count, "arrayValue of \(values.count) values decoded to \(elements.count)")
    for (element, elementJSON) in zip(elements, values) { check(element, against: elementJSON) }
  case ("mapValue", .map(let fields)):
    let fieldsJSON = payload["fields"]?.objectValue ?? JSONObject()
    require(fieldsJSON.count == fields.count, "mapValue of \(fieldsJSON.count) fields decoded to \(fields.count)")
    for (key, field) in fields {
      guard let fieldJSON = fieldsJSON[key] else { violation("decoded map has key \(escaped(key)) the JSON lacks") }
      check(field, against: fieldJSON)
    }
  default:
    violation("\(member.key) decoded as \(value)")
  }
}

private let knownKeys: Set<String> = [
  "nullValue", "booleanValue", "integerValue", "doubleValue", "timestampValue", "stringValue", "bytesValue",
  "referenceValue", "geoPointValue", "arrayValue", "mapValue",
]

private func numberText(_ json: JSONValue) -> String? {
  switch json {
  case .number(let text), .string(let text): text
  default: nil
  }
}

/// Encodes as `UserManifest` does and decodes again.
private func checkManifestRoundTrip(_ value: FieldValue) {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  let encoded: Data
  do {
    encoded = try encoder.encode(value)
  } catch {
    violation("the manifest encoding of a decoded value throws: \(error)\nvalue: \(value)")
  }
  let decoded: FieldValue
  do {
    decoded = try JSONDecoder().decode(FieldValue.self, from: encoded)
  } catch {
    violation("the manifest encoding does not decode: \(error)\njson: \(escaped(String(decoding: encoded, as: UTF8.self)))")
  }
  require(
    same(value, decoded),
    "manifest round trip changed the value\nbefore: \(value)\nafter:  \(decoded)\njson: \(escaped(String(decoding: encoded, as: UTF8.self)))")
}

/// Equality where NaN equals NaN and strings compare by their exact scalars.
private func same(_ a: FieldValue, _ b: FieldValue) -> Bool {
  func sameDouble(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
  switch (a, b) {
  case (.double(let x), .double(let y)): return sameDouble(x, y)
  case (.geoPoint(let x1, let y1), .geoPoint(let x2, let y2)): return sameDouble(x1, x2) && sameDouble(y1, y2)
  case (.string(let x), .string(let y)), (.timestamp(let x), .timestamp(let y)), (.reference(let x), .reference(let y)):
    return Array(x.unicodeScalars) == Array(y.unicodeScalars)
  case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
  case (.map(let x), .map(let y)):
    return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
  default: return a == b
  }
}
