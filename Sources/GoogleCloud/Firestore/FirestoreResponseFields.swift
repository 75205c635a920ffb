/// Field readers shared by the Firestore response types, with proto3 JSON's rule that null means "not set".
enum FirestoreResponseFields {
  static func object(_ json: JSONValue, what: String) throws(FirestoreDecodingError) -> JSONObject {
    guard case .object(let object) = json else { throw FirestoreDecodingError("\(what) must be an object, found \(json.typeName)") }
    return object
  }

  /// A stream element with an `error` key is the server's report of a failure after the 200 was sent.
  static func throwStreamError(_ object: JSONObject) throws(GoogleAPIError) {
    guard let error = object["error"], !error.isNull else { return }
    throw GoogleAPIError(service: .firestore, streamError: .object(JSONObject([JSONObject.Member("error", error)])))
  }

  static func string(_ object: JSONObject, _ key: String) throws(FirestoreDecodingError) -> String? {
    switch object[key] {
    case nil, .null?: return nil
    case .string(let text)?: return text
    case let other?: throw FirestoreDecodingError("\(key) must be a string, found \(other.typeName)")
    }
  }

  static func timestamp(_ object: JSONObject, _ key: String) throws(FirestoreDecodingError) -> String? {
    guard let text = try string(object, key) else { return nil }
    if let problem = RFC3339Timestamp.problem(in: text) {
      throw FirestoreDecodingError("\(key) \"\(text)\" is not an RFC 3339 timestamp: \(problem)")
    }
    return text
  }

  static func bool(_ object: JSONObject, _ key: String) throws(FirestoreDecodingError) -> Bool {
    switch object[key] {
    case nil, .null?: return false
    case .bool(let value)?: return value
    case let other?: throw FirestoreDecodingError("\(key) must be a boolean, found \(other.typeName)")
    }
  }

  static func int32(_ object: JSONObject, _ key: String) throws(FirestoreDecodingError) -> Int {
    guard let json = object[key], !json.isNull else { return 0 }
    let value = try FirestoreValueDecoder.integer(json, key: key)
    guard let int32 = Int32(exactly: value) else { throw FirestoreDecodingError("\(key) \(value) is out of the int32 range") }
    return Int(int32)
  }
}
