/// A parsed JSON value; numbers keep their exact text so an int64 or a long decimal never loses a digit.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// A number exactly as written (already checked against the JSON grammar).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// Parses one complete JSON text.
  public init(parsing bytes: some Collection<UInt8>, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) {
    self = try JSONParser(maxDepth: maxDepth).parse(bytes)
  }

  /// Parses one complete JSON text.
  public init(parsing text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) {
    self = try JSONParser(maxDepth: maxDepth).parse(Array(text.utf8))
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The value of `key` when this is an object.
  public subscript(key: String) -> JSONValue? {
    objectValue?[key]
  }

  /// The JSON type's name, for error messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }
}
