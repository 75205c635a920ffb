import Foundation
import GoogleCloud
import MediaBatchCore
import MediaBatchFirebase
import Testing

@Suite("Google API errors", .timeLimit(.minutes(15)))
struct GoogleAPIErrorTests {
  static let location = ObjectLocation(bucket: "demo.appspot.com", object: "images/a b.png")

  static func googleBody(_ code: Int, _ status: String, reason: String? = nil) -> [UInt8] {
    let errors = reason.map { #", "errors": [{"domain": "global", "reason": "\#($0)", "message": "m"}]"# } ?? ""
    return Array(#"{"error": {"code": \#(code), "message": "the message", "status": "\#(status)"\#(errors)}}"#.utf8)
  }

  /// One row: service, HTTP status, status in the body (nil for no JSON body), retryable, rate limit.
  struct Row: Sendable, CustomTestStringConvertible {
    var service: GoogleAPIError.Service
    var http: Int
    var status: String?
    var retryable: Bool
    var rateLimit: Bool
    var testDescription: String { "\(service) \(http) \(status ?? "no body")" }
  }

  static let firestoreRows: [Row] = [
    Row(service: .firestore, http: 503, status: "UNAVAILABLE", retryable: true, rateLimit: false),
    Row(service: .firestore, http: 429, status: "RESOURCE_EXHAUSTED", retryable: true, rateLimit: true),
    Row(service: .firestore, http: 500, status: "INTERNAL", retryable: true, rateLimit: false),
    Row(service: .firestore, http: 504, status: "DEADLINE_EXCEEDED", retryable: true, rateLimit: false),
    // HTTP 500 alone is ambiguous: the status string decides.
    Row(service: .firestore, http: 500, status: "UNKNOWN", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 500, status: "DATA_LOSS", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 409, status: "ABORTED", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 400, status: "INVALID_ARGUMENT", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 400, status: "FAILED_PRECONDITION", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 401, status: "UNAUTHENTICATED", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 403, status: "PERMISSION_DENIED", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 404, status: "NOT_FOUND", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 501, status: "UNIMPLEMENTED", retryable: false, rateLimit: false),
    Row(service: .firestore, http: 502, status: nil, retryable: true, rateLimit: false),
    Row(service: .firestore, http: 503, status: nil, retryable: true, rateLimit: false),
    Row(service: .firestore, http: 404, status: nil, retryable: false, rateLimit: false),
  ]

  @Test("Firestore reads retry UNAVAILABLE, RESOURCE_EXHAUSTED, INTERNAL and DEADLINE_EXCEEDED only", arguments: firestoreRows)
  func firestoreClassification(row: Row) {
    let body = row.status.map { Self.googleBody(row.http, $0) } ?? []
    let error = GoogleAPIError(service: row.service, httpStatus: row.http, body: body)
    #expect(error.isRetryable == row.retryable)
    #expect(error.isRateLimit == row.rateLimit)
  }

  /// One row of the storage table: HTTP status, body, expected code, retryable, rate limit.
  struct StorageRow: Sendable, CustomTestStringConvertible {
    var http: Int
    var body: String
    var code: ItemError.Code
    var retryable: Bool
    var rateLimit: Bool
    var testDescription: String { "\(http) \(body.isEmpty ? "empty body" : String(body.prefix(30)))" }
  }

  static let storageRows: [StorageRow] = [
    StorageRow(http: 404, body: "", code: .notFound, retryable: false, rateLimit: false),
    StorageRow(http: 404, body: "No such object: demo.appspot.com/images/a b.png", code: .notFound, retryable: false, rateLimit: false),
    StorageRow(
      http: 404, body: #"{"error": {"code": 404, "message": "No such object"}}"#, code: .notFound, retryable: false, rateLimit: false),
    StorageRow(
      http: 403, body: #"{"error": {"code": 403, "message": "denied"}}"#, code: .permissionDenied, retryable: false, rateLimit: false),
    StorageRow(http: 401, body: "", code: .unauthenticated, retryable: false, rateLimit: false),
    StorageRow(http: 429, body: "", code: .rateLimited, retryable: true, rateLimit: true),
    StorageRow(
      http: 403, body: #"{"error": {"code": 403, "message": "slow down", "errors": [{"reason": "rateLimitExceeded"}]}}"#,
      code: .rateLimited,
      retryable: true, rateLimit: true),
    StorageRow(http: 408, body: "", code: .network, retryable: true, rateLimit: false),
    StorageRow(http: 500, body: "", code: .serverError, retryable: true, rateLimit: false),
    StorageRow(http: 502, body: "<html>Bad Gateway</html>", code: .serverError, retryable: true, rateLimit: false),
    StorageRow(http: 503, body: "", code: .serverError, retryable: true, rateLimit: false),
    StorageRow(http: 504, body: "", code: .serverError, retryable: true, rateLimit: false),
    StorageRow(http: 501, body: "", code: .serverError, retryable: false, rateLimit: false),
    StorageRow(
      http: 412, body: #"{"error": {"code": 412, "message": "Precondition Failed"}}"#, code: .notFound, retryable: false, rateLimit: false),
    StorageRow(http: 416, body: "", code: .storeError, retryable: false, rateLimit: false),
    StorageRow(http: 400, body: "", code: .storeError, retryable: false, rateLimit: false),
    StorageRow(
      http: 400, body: #"{"error": {"code": 400, "message": "x", "errors": [{"reason": "backendError"}]}}"#, code: .serverError,
      retryable: true,
      rateLimit: false),
  ]

  @Test("Cloud Storage responses map to the engine's error codes and retry 408, 429 and 5xx", arguments: storageRows)
  func storageMapping(row: StorageRow) {
    let error = GoogleAPIError(service: .storage, httpStatus: row.http, body: Array(row.body.utf8)).storeError(for: Self.location)
    #expect(error.code == row.code)
    #expect(error.isRetryable == row.retryable)
    #expect((error.treatment == .rateLimited(retryAfter: error.retryAfter)) == row.rateLimit)
  }

  @Test("an empty body still gives a readable message")
  func emptyBodyMessage() {
    let error = GoogleAPIError(service: .storage, httpStatus: 404, body: [])
    #expect(error.message == "HTTP 404 with an empty body")
    #expect(error.storeError(for: Self.location).message == "object demo.appspot.com/images/a b.png does not exist")
  }

  @Test("a plain-text body becomes the message, control characters removed and length capped")
  func plainTextBody() {
    let error = GoogleAPIError(service: .storage, httpStatus: 502, body: Array(("oops\r\n" + String(repeating: "x", count: 1000)).utf8))
    #expect(error.message.hasPrefix("HTTP 502: oops xxx"))
    #expect(error.message.count < 320)
  }

  @Test("a Google JSON body gives status, message and legacy reasons")
  func googleBodyFields() {
    let error = GoogleAPIError(
      service: .firestore, httpStatus: 429, body: Self.googleBody(429, "RESOURCE_EXHAUSTED", reason: "rateLimitExceeded"))
    #expect(error.status == "RESOURCE_EXHAUSTED")
    #expect(error.message == "the message")
    #expect(error.reasons == ["rateLimitExceeded"])
    #expect(error.description == "firestore HTTP 429 RESOURCE_EXHAUSTED: the message")
  }

  @Test("the OAuth endpoint's error body is read, and only transient failures retry")
  func oauthErrors() {
    let grant = GoogleAPIError(
      service: .oauth, httpStatus: 400, body: Array(#"{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}"#.utf8))
    #expect(grant.status == "invalid_grant")
    #expect(grant.message == "Invalid JWT Signature.")
    #expect(!grant.isRetryable)
    #expect(GoogleAPIError(service: .oauth, httpStatus: 500, body: Array(#"{"error": "internal_failure"}"#.utf8)).isRetryable)
    #expect(GoogleAPIError(service: .oauth, httpStatus: 503, body: []).isRetryable)
  }

  @Test("Retry-After is carried into the store error")
  func retryAfterCarried() {
    let error = GoogleAPIError(service: .storage, httpStatus: 429, body: [], retryAfterHeader: "7")
    #expect(error.storeError(for: Self.location).retryAfter == .seconds(7))
  }

  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777 seconds after the epoch.
  static let now = Date(timeIntervalSince1970: 784_111_777 - 30)

  @Test(
    "Retry-After accepts delay-seconds and all three HTTP-date formats",
    arguments: [
      ("120", Duration.seconds(120)), (" 0 ", .zero),
      ("Sun, 06 Nov 1994 08:49:37 GMT", .seconds(30)),
      ("Sunday, 06-Nov-94 08:49:37 GMT", .seconds(30)),
      ("Sun Nov  6 08:49:37 1994", .seconds(30)),
      ("Sat, 05 Nov 1994 08:49:37 GMT", .zero),
    ])
  func retryAfterParses(header: String, expected: Duration) {
    #expect(RetryAfter.delay(header, now: Self.now) == expected)
  }

  @Test(
    "unreadable Retry-After values are ignored",
    arguments: ["", "soon", "-5", "1.5", "99999999999999999999", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
      // found by fuzzing: a negative or huge clock overflowed the arithmetic and crashed the process
      "Sun, 06 Nov 1994 -9999999999999999:00:00 GMT", "Sun, 06 Nov 1994 08:-99999999999999999:37 GMT",
      "Sun, 06 Nov 1994 08:49:-9999999999999999 GMT", "Sun, 06 Nov -994 08:49:37 GMT",
    ])
  func retryAfterRejects(header: String) {
    #expect(RetryAfter.delay(header, now: Self.now) == nil)
  }
}
