public import struct Foundation.Data

/// A typed metadata value, as a document database stores it.
///
/// JSON's own types encode as themselves; the types JSON cannot tell apart (timestamps, bytes, references,
/// geo points, non-finite doubles) encode as `{"$type": …, "value": …}` so the manifest loses nothing. A map's own
/// keys that start with `$` get one more (`$type` is written `$$type`), so no user map is ever read as a tag.
public indirect enum FieldValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case integer(Int64)
  case double(Double)
  case string(String)
  /// An RFC 3339 timestamp, kept as written (0–9 fraction digits) so nothing is rounded.
  case timestamp(String)
  case bytes(Data)
  /// A document reference: its full resource name.
  case reference(String)
  case geoPoint(latitude: Double, longitude: Double)
  case array([FieldValue])
  case map([String: FieldValue])

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var integerValue: Int64? {
    switch self {
    case .integer(let value): value
    case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: Int64(value)
    case .string(let value): Int64(value)
    default: nil
    }
  }
}

extension FieldValue: Codable {
  private enum TaggedKeys: String, CodingKey {
    case type = "$type"
    case value
    case latitude
    case longitude
  }

  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .null:
      var container = encoder.singleValueContainer()
      try container.encodeNil()
    case .bool(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .integer(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .double(let value) where value.isFinite && Int64(exactly: value) == nil:
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .double(let value) where value.isFinite:
      // A whole number would be read back as an integer: say it is a double.
      try encodeTagged("double", encoder) { try $0.encode(value, forKey: .value) }
    case .double(let value):
      try encodeTagged("double", encoder) { try $0.encode(value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity"), forKey: .value) }
    case .string(let value):
      var container = encoder.singleValueContainer()
      try container.encode(value)
    case .timestamp(let value):
      try encodeTagged("timestamp", encoder) { try $0.encode(value, forKey: .value) }
    case .bytes(let value):
      try encodeTagged("bytes", encoder) { try $0.encode(value.base64EncodedString(), forKey: .value) }
    case .reference(let value):
      try encodeTagged("reference", encoder) { try $0.encode(value, forKey: .value) }
    case .geoPoint(let latitude, let longitude):
      // Coordinates outside the globe never come from Firestore; written as null rather than failing the manifest.
      try encodeTagged("geo_point", encoder) {
        try $0.encode(latitude.isFinite ? latitude : nil, forKey: .latitude)
        try $0.encode(longitude.isFinite ? longitude : nil, forKey: .longitude)
      }
    case .array(let values):
      var container = encoder.singleValueContainer()
      try container.encode(values)
    case .map(let values):
      var container = encoder.container(keyedBy: MapKey.self)
      for (key, value) in values {
        try container.encode(value, forKey: MapKey(stringValue: key.hasPrefix("$") ? "$" + key : key))
      }
    }
  }

  /// Any key of a map.
  private struct MapKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  private func encodeTagged(
    _ type: String,
    _ encoder: any Encoder,
    _ body: (inout KeyedEncodingContainer<TaggedKeys>) throws -> Void
  ) throws {
    var container = encoder.container(keyedBy: TaggedKeys.self)
    try container.encode(type, forKey: .type)
    try body(&container)
  }

  public init(from decoder: any Decoder) throws {
    if let tagged = try? decoder.container(keyedBy: TaggedKeys.self),
      let type = try? tagged.decode(String.self, forKey: .type)
    {
      self = try Self.decodeTagged(type, tagged)
      return
    }
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([FieldValue].self) {
      self = .array(value)
    } else {
      let map = try decoder.container(keyedBy: MapKey.self)
      var values: [String: FieldValue] = [:]
      for key in map.allKeys {
        let name = key.stringValue.hasPrefix("$$") ? String(key.stringValue.dropFirst()) : key.stringValue
        values[name] = try map.decode(FieldValue.self, forKey: key)
      }
      self = .map(values)
    }
  }

  private static func decodeTagged(_ type: String, _ container: KeyedDecodingContainer<TaggedKeys>) throws -> FieldValue {
    switch type {
    case "double":
      if let number = try? container.decode(Double.self, forKey: .value) { return .double(number) }
      let text = try container.decode(String.self, forKey: .value)
      switch text {
      case "NaN": return .double(.nan)
      case "Infinity": return .double(.infinity)
      case "-Infinity": return .double(-.infinity)
      default:
        throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "not a special double: \(text)")
      }
    case "timestamp": return .timestamp(try container.decode(String.self, forKey: .value))
    case "reference": return .reference(try container.decode(String.self, forKey: .value))
    case "bytes":
      let text = try container.decode(String.self, forKey: .value)
      guard let data = Data(base64Encoded: text) else {
        throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "invalid base64")
      }
      return .bytes(data)
    case "geo_point":
      return .geoPoint(
        latitude: try container.decodeIfPresent(Double.self, forKey: .latitude) ?? .nan,
        longitude: try container.decodeIfPresent(Double.self, forKey: .longitude) ?? .nan
      )
    default:
      throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown $type \(type)")
    }
  }
}
