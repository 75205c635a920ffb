import Toolbox

/// Typed reads of a credentials file's top-level fields, with errors that name the file and the field.
struct CredentialsFields {
  let object: JSONObject
  let file: String

  init(json: [UInt8], file: String) throws(CredentialsFileError) {
    let value: JSONValue
    do {
      value = try JSONValue(parsing: json)
    } catch {
      // The parse error's position is enough: echoing the file's text could print a private key.
      throw CredentialsFileError(file: file, "is not valid JSON (byte \(error.offset): \(error.message))")
    }
    guard case .object(let object) = value else { throw CredentialsFileError(file: file, "is not a JSON object") }
    self.object = object
    self.file = file
  }

  /// A string field that must be present and non-empty.
  func required(_ field: String) throws(CredentialsFileError) -> String {
    guard let value = try optional(field) else { throw CredentialsFileError(file: file, field: field, "is missing") }
    return value
  }

  /// A string field that may be absent; when present it must be a non-empty string.
  func optional(_ field: String) throws(CredentialsFileError) -> String? {
    switch object[field] {
    case nil, .null?: return nil
    case .string(let text)? where !text.trimmingWhitespace().isEmpty: return text
    case .string?: throw CredentialsFileError(file: file, field: field, "is empty")
    case let other?: throw CredentialsFileError(file: file, field: field, "must be a string, found \(other.typeName)")
    }
  }

  /// A token endpoint URL; absent means Google's.
  func tokenURI() throws(CredentialsFileError) -> String {
    guard let uri = try optional("token_uri") else { return GoogleOAuth.defaultTokenURI }
    guard uri.hasPrefix("https://") || uri.hasPrefix("http://") else {
      throw CredentialsFileError(file: file, field: "token_uri", "must be an http(s) URL, found \"\(uri)\"")
    }
    return uri
  }

  func requireType(_ expected: String) throws(CredentialsFileError) {
    let type = try required("type")
    guard type == expected else {
      throw CredentialsFileError(file: file, field: "type", "is \"\(type)\", expected \"\(expected)\"")
    }
  }
}
