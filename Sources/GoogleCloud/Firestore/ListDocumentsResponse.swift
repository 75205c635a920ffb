/// One page of `documents.list`: its documents and the token of the next page.
public struct ListDocumentsResponse: Sendable, Hashable {
  /// Empty for an empty page, which arrives as `{}`.
  public var documents: [FirestoreDocument]
  /// Nil on the last page; an empty token also means the last page.
  public var nextPageToken: String?

  public init(documents: [FirestoreDocument], nextPageToken: String? = nil) {
    self.documents = documents
    self.nextPageToken = nextPageToken
  }

  public init(json: JSONValue) throws(FirestoreDecodingError) {
    let object = try FirestoreResponseFields.object(json, what: "a list response")
    switch object["documents"] {
    case nil, .null?: self.documents = []
    case .array(let elements)?:
      var documents: [FirestoreDocument] = []
      documents.reserveCapacity(elements.count)
      for element in elements { documents.append(try FirestoreDocument(json: element)) }
      self.documents = documents
    case let other?: throw FirestoreDecodingError("documents must be an array, found \(other.typeName)")
    }
    let token = try FirestoreResponseFields.string(object, "nextPageToken")
    self.nextPageToken = token?.isEmpty == true ? nil : token
  }
}
