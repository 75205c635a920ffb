
/// A Firestore document decoded from its REST JSON form: name, id, typed fields and timestamps.
public struct FirestoreDocument: Sendable, Hashable {
  /// The full resource name, `projects/{p}/databases/{d}/documents/{collection}/{id}[/…]`.
  public var name: String
  /// The last segment of the name.
  public var id: String
  /// Empty for an empty document: the API omits `fields` then.
  public var fields: [String: FirestoreValue]
  /// Absent for the name-only "missing" documents that `showMissing` lists.
  public var createTime: String?
  public var updateTime: String?

  public init(name: String, fields: [String: FirestoreValue], createTime: String? = nil, updateTime: String? = nil) {
    self.name = name
    self.id = Self.lastSegment(of: name)
    self.fields = fields
    self.createTime = createTime
    self.updateTime = updateTime
  }

  /// Decodes a `Document` JSON object.
  public init(json: JSONValue) throws(FirestoreDecodingError) {
    guard case .object(let object) = json else {
      throw FirestoreDecodingError("a document must be an object, found \(json.typeName)")
    }
    guard case .string(let name) = object["name"] else {
      throw FirestoreDecodingError("a document has no name")
    }
    let id = Self.lastSegment(of: name)
    guard !id.isEmpty else { throw FirestoreDecodingError("the document name has no id segment", document: name) }
    do {
      self.fields = try FirestoreValueDecoder.fields(from: object["fields"])
      self.createTime = try Self.timestamp(object["createTime"], key: "createTime")
      self.updateTime = try Self.timestamp(object["updateTime"], key: "updateTime")
    } catch {
      throw error.inDocument(name)
    }
    self.name = name
    self.id = id
  }

  private static func timestamp(_ json: JSONValue?, key: String) throws(FirestoreDecodingError) -> String? {
    switch json {
    case nil, .null?: return nil
    case .string(let text)?:
      if let problem = RFC3339Timestamp.problem(in: text) {
        throw FirestoreDecodingError("\(key) \"\(text)\" is not an RFC 3339 timestamp: \(problem)")
      }
      return text
    case let other?: throw FirestoreDecodingError("\(key) must be a string, found \(other.typeName)")
    }
  }

  private static func lastSegment(of name: String) -> String {
    String(name.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
  }
}
