/// One element of the streamed array that `documents:runQuery` returns.
///
/// An element may carry a document, or only a `readTime` (a query with no results still sends one), or
/// `done: true` at the end. An element with an `error` key is a failure reported after HTTP 200 and is thrown as a
/// `GoogleAPIError`. Keys this version does not know (`explainMetrics`, …) are ignored.
public struct RunQueryResponse: Sendable, Hashable {
  public var document: FirestoreDocument?
  public var readTime: String?
  /// Results skipped because of the query's `offset`.
  public var skippedResults: Int
  /// Base64, only in the first element and only when the request began a transaction.
  public var transaction: String?
  /// The server says the stream is complete.
  public var done: Bool

  public init(
    document: FirestoreDocument? = nil, readTime: String? = nil, skippedResults: Int = 0, transaction: String? = nil, done: Bool = false
  ) {
    self.document = document
    self.readTime = readTime
    self.skippedResults = skippedResults
    self.transaction = transaction
    self.done = done
  }

  /// Decodes one element. Throws `GoogleAPIError` for an in-stream error, `FirestoreDecodingError` for a bad shape.
  public init(json: JSONValue) throws {
    let object = try FirestoreResponseFields.object(json, what: "a runQuery response element")
    try FirestoreResponseFields.throwStreamError(object)
    self.document = try object["document"].flatMap { value in value.isNull ? nil : try FirestoreDocument(json: value) }
    self.readTime = try FirestoreResponseFields.timestamp(object, "readTime")
    self.skippedResults = try FirestoreResponseFields.int32(object, "skippedResults")
    self.transaction = try FirestoreResponseFields.string(object, "transaction")
    self.done = try FirestoreResponseFields.bool(object, "done")
  }
}
