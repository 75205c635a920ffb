import GoogleCloud
import Testing

@Suite("Firestore documents and responses", .timeLimit(.minutes(15)))
struct FirestoreResponseTests {
  static let userName = "projects/demo/databases/(default)/documents/email_users/u1"

  @Test("a document decodes its name, id, typed fields and timestamps")
  func document() throws {
    let json = try JSONValue(
      parsing: """
        {"name": "\(Self.userName)",
         "fields": {"email": {"stringValue": "a@example.com"}, "imageIds": {"arrayValue": {"values": [{"stringValue": "i1"}]}}},
         "createTime": "2025-01-01T00:00:00.123456Z", "updateTime": "2025-01-02T00:00:00Z"}
        """)
    let document = try FirestoreDocument(json: json)
    #expect(document.name == Self.userName)
    #expect(document.id == "u1")
    #expect(document.fields == ["email": .string("a@example.com"), "imageIds": .array([.string("i1")])])
    #expect(document.createTime == "2025-01-01T00:00:00.123456Z")
    #expect(document.updateTime == "2025-01-02T00:00:00Z")
  }

  @Test("an empty document has no fields key and decodes to no fields")
  func emptyDocument() throws {
    let document = try FirestoreDocument(json: try JSONValue(parsing: "{\"name\": \"\(Self.userName)\"}"))
    #expect(document.fields.isEmpty)
    #expect(document.createTime == nil)
  }

  @Test("a field error names the document and the field path")
  func fieldErrorsNameTheDocument() {
    #expect {
      _ = try FirestoreDocument(
        json: try JSONValue(parsing: "{\"name\": \"\(Self.userName)\", \"fields\": {\"size\": {\"integerValue\": \"big\"}}}"))
    } throws: { error in
      let error = error as? FirestoreDecodingError
      return error?.document == Self.userName && error?.fieldPath == "size"
        && error?.description.hasPrefix("document \(Self.userName): field size: integerValue") == true
    }
  }

  @Test("a document without a name or with a trailing slash is an error")
  func documentNeedsAName() {
    #expect(throws: FirestoreDecodingError.self) { try FirestoreDocument(json: try JSONValue(parsing: #"{"fields": {}}"#)) }
    #expect(throws: FirestoreDecodingError.self) { try FirestoreDocument(json: try JSONValue(parsing: #"{"name": "a/b/"}"#)) }
  }

  @Test("a runQuery stream decodes documents, the readTime-only element and done")
  func runQueryStream() throws {
    let body = """
      [{"document": {"name": "\(Self.userName)", "fields": {"email": {"stringValue": "a@example.com"}}, "createTime": "2025-01-01T00:00:00Z", "updateTime": "2025-01-01T00:00:00Z"}, "readTime": "2025-03-01T10:00:00.000001Z"},
      {"readTime": "2025-03-01T10:00:00.000001Z", "skippedResults": 2, "explainMetrics": {}},
      {"done": true}]
      """
    var parser = JSONArrayStreamParser()
    let elements = try parser.feed(Array(body.utf8)).map { try RunQueryResponse(json: $0) }
    try parser.finish()
    #expect(elements.count == 3)
    #expect(elements[0].document?.id == "u1")
    #expect(elements[0].readTime == "2025-03-01T10:00:00.000001Z")
    #expect(elements[1].document == nil)
    #expect(elements[1].skippedResults == 2)
    #expect(elements[2].done)
  }

  @Test("a query with no results still sends one element with only a readTime")
  func emptyQueryResult() throws {
    let element = try RunQueryResponse(json: try JSONValue(parsing: #"{"readTime": "2025-03-01T10:00:00Z"}"#))
    #expect(element == RunQueryResponse(readTime: "2025-03-01T10:00:00Z"))
  }

  @Test("an error element inside a 200 stream is thrown as a classified API error")
  func errorElementInsideStream() {
    let json = #"{"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}"#
    #expect {
      _ = try RunQueryResponse(json: try JSONValue(parsing: json))
    } throws: { error in
      guard let error = error as? GoogleAPIError else { return false }
      return error.status == "UNAVAILABLE" && error.isRetryable && error.httpStatus == nil
    }
  }

  @Test("an error element with a google.rpc.Code number and no status is still classified")
  func errorElementWithRPCNumber() {
    #expect {
      _ = try BatchGetResponse(json: try JSONValue(parsing: #"{"error": {"code": 4, "message": "Deadline exceeded"}}"#))
    } throws: { error in
      (error as? GoogleAPIError)?.effectiveStatus == "DEADLINE_EXCEEDED" && (error as? GoogleAPIError)?.isRetryable == true
    }
  }

  @Test("batchGet elements are a found document, a missing name, or neither")
  func batchGetElements() throws {
    let found = try BatchGetResponse(
      json: try JSONValue(
        parsing: #"{"found": {"name": "projects/p/databases/(default)/documents/images/i1"}, "readTime": "2025-01-01T00:00:00Z"}"#))
    #expect(found.documentName == "projects/p/databases/(default)/documents/images/i1")
    guard case .found(let document) = found.result else { throw TestFailure() }
    #expect(document.id == "i1")

    let missing = try BatchGetResponse(
      json: try JSONValue(
        parsing: #"{"missing": "projects/p/databases/(default)/documents/images/gone", "readTime": "2025-01-01T00:00:00Z"}"#))
    #expect(missing.result == .missing("projects/p/databases/(default)/documents/images/gone"))

    let transactionOnly = try BatchGetResponse(json: try JSONValue(parsing: #"{"transaction": "abc="}"#))
    #expect(transactionOnly.result == .none)
    #expect(transactionOnly.transaction == "abc=")

    #expect(throws: FirestoreDecodingError.self) {
      try BatchGetResponse(json: try JSONValue(parsing: #"{"found": {"name": "a/b"}, "missing": "a/c"}"#))
    }
  }

  @Test("an empty list page is {} and decodes to no documents and no next page")
  func emptyListPage() throws {
    let page = try ListDocumentsResponse(json: try JSONValue(parsing: "{}"))
    #expect(page.documents.isEmpty)
    #expect(page.nextPageToken == nil)
  }

  @Test("a list page carries its documents and next page token; an empty token means the last page")
  func listPage() throws {
    let page = try ListDocumentsResponse(
      json: try JSONValue(parsing: "{\"documents\": [{\"name\": \"\(Self.userName)\"}], \"nextPageToken\": \"tok\"}"))
    #expect(page.documents.map(\.id) == ["u1"])
    #expect(page.nextPageToken == "tok")
    #expect(try ListDocumentsResponse(json: try JSONValue(parsing: #"{"nextPageToken": ""}"#)).nextPageToken == nil)
  }

  @Test("skippedResults may be a string, as proto3 JSON allows, but must fit an int32")
  func skippedResultsRange() throws {
    #expect(try RunQueryResponse(json: try JSONValue(parsing: #"{"skippedResults": "7"}"#)).skippedResults == 7)
    #expect(throws: FirestoreDecodingError.self) { try RunQueryResponse(json: try JSONValue(parsing: #"{"skippedResults": 3000000000}"#)) }
  }
}
