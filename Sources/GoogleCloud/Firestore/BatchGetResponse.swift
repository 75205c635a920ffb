/// One element of the streamed array that `documents:batchGet` returns: a found document or a missing name.
///
/// Elements arrive in no particular order, so callers match them to their request by document name.
public struct BatchGetResponse: Sendable, Hashable {
  /// What this element says about one requested name.
  public enum Result: Sendable, Hashable {
    case found(FirestoreDocument)
    /// The full name of a requested document that does not exist.
    case missing(String)
    /// An element that carries only a transaction or read time.
    case none
  }

  public var result: Result
  public var readTime: String?
  /// Base64, only in the first element and only when the request began a transaction.
  public var transaction: String?

  public init(result: Result, readTime: String? = nil, transaction: String? = nil) {
    self.result = result
    self.readTime = readTime
    self.transaction = transaction
  }

  /// Decodes one element. Throws `GoogleAPIError` for an in-stream error, `FirestoreDecodingError` for a bad shape.
  public init(json: JSONValue) throws {
    let object = try FirestoreResponseFields.object(json, what: "a batchGet response element")
    try FirestoreResponseFields.throwStreamError(object)
    let found = object["found"].flatMap { $0.isNull ? nil : $0 }
    let missing = try FirestoreResponseFields.string(object, "missing")
    switch (found, missing) {
    case (let found?, nil): self.result = .found(try FirestoreDocument(json: found))
    case (nil, let name?):
      guard !name.isEmpty else { throw FirestoreDecodingError("a batchGet element names an empty missing document") }
      self.result = .missing(name)
    case (nil, nil): self.result = .none
    case (_?, _?): throw FirestoreDecodingError("a batchGet element has both found and missing")
    }
    self.readTime = try FirestoreResponseFields.timestamp(object, "readTime")
    self.transaction = try FirestoreResponseFields.string(object, "transaction")
  }

  /// The document name this element answers for, found or missing.
  public var documentName: String? {
    switch result {
    case .found(let document): document.name
    case .missing(let name): name
    case .none: nil
    }
  }
}
