import Toolbox

/// Typed reads of a credentials file's fields, with errors that name the file and the field.
struct CredentialsFields {
  let object: JSONObject
  let file: String
  /// Where this object sits in the file (`source_credentials.`), so a nested field's error names its full path.
  let path: String

  init(json: [UInt8], file: String) throws(CredentialsFileError) {
    let value: JSONValue
    do {
      value = try JSONValue(parsing: json)
    } catch {
      // The parse error's position is enough: echoing the file's text could print a private key.
      throw CredentialsFileError(file: file, "is not valid JSON (byte \(error.offset): \(error.message))")
    }
    guard case .object(let object) = value else { throw CredentialsFileError(file: file, "is not a JSON object") }
    self.init(object: object, file: file, path: "")
  }

  private init(object: JSONObject, file: String, path: String) {
    self.object = object
    self.file = file
    self.path = path
  }

  /// The error for `field` of this object.
  func error(_ field: String, _ message: String) -> CredentialsFileError {
    CredentialsFileError(file: file, field: path + field, message)
  }

  /// A string field that must be present and non-empty.
  func required(_ field: String) throws(CredentialsFileError) -> String {
    guard let value = try optional(field) else { throw error(field, "is missing") }
    return value
  }

  /// A string field that may be absent; when present it must be a non-empty string.
  func optional(_ field: String) throws(CredentialsFileError) -> String? {
    switch object[field] {
    case nil, .null?: return nil
    case .string(let text)? where !text.trimmingWhitespace().isEmpty: return text
    case .string?: throw error(field, "is empty")
    case let other?: throw error(field, "must be a string, found \(other.typeName)")
    }
  }

  /// An array of non-empty strings that may be absent (then empty).
  func strings(_ field: String) throws(CredentialsFileError) -> [String] {
    switch object[field] {
    case nil, .null?: return []
    case .array(let values)?:
      var strings: [String] = []
      for (index, value) in values.enumerated() {
        guard case .string(let text) = value, !text.trimmingWhitespace().isEmpty else {
          throw error("\(field)[\(index)]", "must be a non-empty string")
        }
        strings.append(text)
      }
      return strings
    case let other?: throw error(field, "must be an array of strings, found \(other.typeName)")
    }
  }

  /// An object field that must be present, read with the same rules.
  func nested(_ field: String) throws(CredentialsFileError) -> CredentialsFields {
    switch object[field] {
    case .object(let nested)?: return CredentialsFields(object: nested, file: file, path: path + field + ".")
    case nil, .null?: throw error(field, "is missing")
    case let other?: throw error(field, "must be an object, found \(other.typeName)")
    }
  }

  /// A URL field that must be http(s).
  func url(_ field: String) throws(CredentialsFileError) -> String? {
    guard let url = try optional(field) else { return nil }
    guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
      throw error(field, "must be an http(s) URL, found \"\(url)\"")
    }
    return url
  }

  /// A token endpoint URL; absent means Google's.
  func tokenURI() throws(CredentialsFileError) -> String {
    try url("token_uri") ?? GoogleOAuth.defaultTokenURI
  }

  /// The universe the credentials belong to; absent means googleapis.com.
  func universeDomain() throws(CredentialsFileError) -> String {
    try optional("universe_domain") ?? UniverseDomain.googleapis
  }

  func requireType(_ expected: String) throws(CredentialsFileError) {
    let type = try required("type")
    guard type == expected else { throw error("type", "is \"\(type)\", expected \"\(expected)\"") }
  }
}
