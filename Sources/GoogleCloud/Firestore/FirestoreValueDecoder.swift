
import struct Foundation.Data

/// Decodes the proto3 JSON of `google.firestore.v1.Value` into `FirestoreValue`.
///
/// Proto3 JSON omits default values and spells some types as strings, so the rules here are looser than the
/// JSON types suggest: int64 arrives as a string (a number is accepted too), doubles may be `"NaN"` or
/// `"Infinity"`, an empty array or map is `{}`, and a geo point drops zero coordinates. A JSON `null` is a value,
/// never an absent field, so keys are tested for presence rather than for non-null values.
public enum FirestoreValueDecoder {
  /// The keys of the `Value` oneof that stored documents use.
  private static let valueKeys: Set<String> = [
    "nullValue", "booleanValue", "integerValue", "doubleValue", "timestampValue", "stringValue", "bytesValue",
    "referenceValue", "geoPointValue", "arrayValue", "mapValue",
  ]

  /// Decodes one `Value` object.
  public static func value(from json: JSONValue) throws(FirestoreDecodingError) -> FirestoreValue {
    guard case .object(let object) = json else {
      throw FirestoreDecodingError("a Firestore value must be an object, found \(json.typeName)")
    }
    // Unknown keys are skipped so that newer API versions (fieldReferenceValue, functionValue, …) do not break
    // decoding, but a value needs exactly one of the known keys.
    var found: JSONObject.Member? = nil
    for member in object where valueKeys.contains(member.key) {
      if let found {
        throw FirestoreDecodingError("a Firestore value has both \(found.key) and \(member.key)")
      }
      found = member
    }
    guard let found else {
      let keys = object.isEmpty ? "no keys" : "only " + object.keys.joined(separator: ", ")
      throw FirestoreDecodingError("a Firestore value has no known type key (it has \(keys))")
    }
    return try decode(found.key, found.value)
  }

  /// Decodes a `fields` map (of a document or of a `mapValue`); an absent or null map is empty.
  public static func fields(from json: JSONValue?) throws(FirestoreDecodingError) -> [String: FirestoreValue] {
    guard let json, !json.isNull else { return [:] }
    guard case .object(let object) = json else {
      throw FirestoreDecodingError("fields must be an object, found \(json.typeName)")
    }
    var fields: [String: FirestoreValue] = [:]
    fields.reserveCapacity(object.count)
    for member in object {
      do {
        fields[member.key] = try value(from: member.value)
      } catch {
        throw error.inside(.field(member.key))
      }
    }
    return fields
  }

  private static func decode(_ key: String, _ json: JSONValue) throws(FirestoreDecodingError) -> FirestoreValue {
    switch key {
    case "nullValue":
      // The JSON form is `null`; the JS SDK writes the enum name, and proto3 JSON also allows its number.
      switch json {
      case .null, .string("NULL_VALUE"), .number("0"): return .null
      default: throw FirestoreDecodingError("nullValue must be null or \"NULL_VALUE\", found \(describe(json))")
      }
    case "booleanValue":
      guard case .bool(let value) = json else {
        throw FirestoreDecodingError("booleanValue must be true or false, found \(describe(json))")
      }
      return .bool(value)
    case "integerValue":
      return .integer(try integer(json, key: key))
    case "doubleValue":
      return .double(try double(json, key: key))
    case "timestampValue":
      let text = try string(json, key: key)
      if let problem = RFC3339Timestamp.problem(in: text) {
        throw FirestoreDecodingError("timestampValue \"\(text)\" is not an RFC 3339 timestamp: \(problem)")
      }
      return .timestamp(text)
    case "stringValue":
      return .string(try string(json, key: key))
    case "bytesValue":
      let text = try string(json, key: key)
      guard let bytes = Base64.decode(text) else { throw FirestoreDecodingError("bytesValue is not valid base64") }
      return .bytes(Data(bytes))
    case "referenceValue":
      return .reference(try string(json, key: key))
    case "geoPointValue":
      let object = try object(json, key: key)
      // Proto3 JSON omits a zero coordinate, so a missing one is 0, not an error.
      let latitude = try object["latitude"].map { value throws(FirestoreDecodingError) in try double(value, key: "latitude") } ?? 0
      let longitude = try object["longitude"].map { value throws(FirestoreDecodingError) in try double(value, key: "longitude") } ?? 0
      // Firestore stores only points on the globe; anything else (NaN, infinities) did not come from it.
      guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
        throw FirestoreDecodingError("geoPointValue (\(latitude), \(longitude)) is not a point on the globe")
      }
      return .geoPoint(latitude: latitude, longitude: longitude)
    case "arrayValue":
      let object = try object(json, key: key)
      guard let values = object["values"], !values.isNull else { return .array([]) }
      guard case .array(let elements) = values else {
        throw FirestoreDecodingError("arrayValue.values must be an array, found \(values.typeName)")
      }
      var decoded: [FirestoreValue] = []
      decoded.reserveCapacity(elements.count)
      for (index, element) in elements.enumerated() {
        do {
          decoded.append(try value(from: element))
        } catch {
          throw error.inside(.index(index))
        }
      }
      return .array(decoded)
    case "mapValue":
      return .map(try fields(from: try object(json, key: key)["fields"]))
    default:
      throw FirestoreDecodingError("unsupported value type \(key)")
    }
  }

  private static func string(_ json: JSONValue, key: String) throws(FirestoreDecodingError) -> String {
    guard case .string(let text) = json else { throw FirestoreDecodingError("\(key) must be a string, found \(describe(json))") }
    return text
  }

  private static func object(_ json: JSONValue, key: String) throws(FirestoreDecodingError) -> JSONObject {
    switch json {
    case .object(let object): return object
    case .null: return JSONObject()
    default: throw FirestoreDecodingError("\(key) must be an object, found \(json.typeName)")
    }
  }

  /// An int64 from a decimal string or a number; an exponent or fraction is fine if the value is a whole number.
  static func integer(_ json: JSONValue, key: String) throws(FirestoreDecodingError) -> Int64 {
    let text: String
    switch json {
    case .number(let number): text = number
    case .string(let string) where JSONParser.isNumber(string): text = string
    default: throw FirestoreDecodingError("\(key) must be an integer (a decimal string or a number), found \(describe(json))")
    }
    guard let value = ExactDecimal(text)?.int64 else {
      throw FirestoreDecodingError("\(key) \(text) is not a whole number in the int64 range")
    }
    return value
  }

  /// A double from a number, a numeric string, or one of the strings proto3 JSON uses for non-finite values.
  static func double(_ json: JSONValue, key: String) throws(FirestoreDecodingError) -> Double {
    let text: String
    switch json {
    case .number(let number): text = number
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    case .string(let string) where JSONParser.isNumber(string): text = string
    default:
      throw FirestoreDecodingError("\(key) must be a number, \"NaN\", \"Infinity\" or \"-Infinity\", found \(describe(json))")
    }
    guard let value = Double(text), value.isFinite else {
      throw FirestoreDecodingError("\(key) \(text) is out of the range of a double")
    }
    return value
  }

  private static func describe(_ json: JSONValue) -> String {
    switch json {
    case .string(let text) where text.count <= 40: "\"\(text)\""
    case .number(let text) where text.count <= 40: text
    case .bool(let value): String(value)
    default: json.typeName
    }
  }
}
