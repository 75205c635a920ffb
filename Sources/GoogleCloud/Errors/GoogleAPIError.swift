import Toolbox
public import struct Foundation.Date

/// A failed Google API call, classified from its HTTP status and error body so callers know whether to retry.
///
/// Google JSON APIs answer `{"error":{"code":…,"message":…,"status":…}}`; the OAuth token endpoint answers
/// `{"error":"invalid_grant","error_description":…}`; the storage emulator may answer with an empty or plain-text
/// body. All three are read here, and a body that is none of them still yields a usable error.
public struct GoogleAPIError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Which API answered: retry rules differ between Firestore, Cloud Storage and the token endpoint.
  public enum Service: String, Sendable, Hashable {
    case firestore
    case storage
    case oauth
  }

  public var service: Service
  /// The HTTP status; nil for an error element inside a stream whose HTTP status was already 200.
  public var httpStatus: Int?
  /// The `google.rpc.Code` name (`UNAVAILABLE`, …) or the OAuth error (`invalid_grant`, …), when the body gave one.
  public var status: String?
  public var message: String
  /// The legacy `errors[].reason` values (`rateLimitExceeded`, `backendError`, …) that Cloud Storage still sends.
  public var reasons: [String]
  /// How long the server asked us to wait.
  public var retryAfter: Duration?

  public init(
    service: Service, httpStatus: Int?, status: String?, message: String, reasons: [String] = [], retryAfter: Duration? = nil
  ) {
    self.service = service
    self.httpStatus = httpStatus
    self.status = status
    self.message = message
    self.reasons = reasons
    self.retryAfter = retryAfter
  }

  /// Reads an error response. `body` should be capped by the caller (a few KiB is plenty).
  public init(service: Service, httpStatus: Int, body: [UInt8], retryAfterHeader: String? = nil, now: Date = Date()) {
    self.init(
      service: service, httpStatus: httpStatus, status: nil, message: "",
      retryAfter: retryAfterHeader.flatMap { RetryAfter.delay($0, now: now) })
    let json = try? JSONValue(parsing: body)
    if let json, readErrorBody(json) { return }
    message = Self.plainTextMessage(body, httpStatus: httpStatus)
  }

  /// Reads an `{"error":{…}}` element found inside a streamed 200 response (runQuery, batchGet).
  public init(service: Service, streamError json: JSONValue) {
    self.init(service: service, httpStatus: nil, status: nil, message: "")
    if !readErrorBody(json) { message = "the response stream reported an error it did not describe" }
  }

  /// Fills in status, message and reasons from a JSON error body; false when it is not one.
  private mutating func readErrorBody(_ json: JSONValue) -> Bool {
    switch json["error"] {
    case .object(let error)?:
      if case .string(let text)? = error["status"], !text.isEmpty { status = text }
      if status == nil, case .number(let text)? = error["code"], let code = Int(text), let name = Self.rpcCodeNames[code] {
        // Stream errors may carry a google.rpc.Code number rather than an HTTP status; below 17 it can only be that.
        status = name
      }
      message = error["message"]?.stringValue ?? ""
      reasons = error["errors"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
      if message.isEmpty { message = "HTTP \(httpStatus.map(String.init) ?? "error") with no message" }
      return true
    case .string(let code)?:
      status = code
      message = json["error_description"]?.stringValue ?? code
      return true
    default:
      return false
    }
  }

  private static func plainTextMessage(_ body: [UInt8], httpStatus: Int) -> String {
    let text = String(decoding: body.prefix(300), as: UTF8.self)
      .map { $0.isASCII && ($0.asciiValue ?? 0) < 0x20 ? " " : String($0) }.joined()
      .trimmingWhitespace()
    return text.isEmpty ? "HTTP \(httpStatus) with an empty body" : "HTTP \(httpStatus): \(text)"
  }

  /// The status name the body gave, or the one its HTTP status implies (google/rpc/code.proto's mapping).
  public var effectiveStatus: String? {
    if let status { return status }
    switch httpStatus {
    case 400?: return "INVALID_ARGUMENT"
    case 401?: return "UNAUTHENTICATED"
    case 403?: return "PERMISSION_DENIED"
    case 404?: return "NOT_FOUND"
    case 408?, 504?: return "DEADLINE_EXCEEDED"
    case 409?: return "ABORTED"
    case 429?: return "RESOURCE_EXHAUSTED"
    case 499?: return "CANCELLED"
    case 500?: return "INTERNAL"
    case 501?: return "UNIMPLEMENTED"
    case let code? where (500..<600).contains(code): return "UNAVAILABLE"
    default: return nil
    }
  }

  /// Whether the same call may succeed if tried again after a backoff.
  public var isRetryable: Bool {
    switch service {
    case .firestore:
      // The official client's read policy. ABORTED is left out: for reads it means a conflict a retry loop would
      // only repeat. HTTP 500 alone is ambiguous, so the status string decides when there is one.
      return ["UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL", "DEADLINE_EXCEEDED"].contains(effectiveStatus ?? "")
    case .storage:
      if reasons.contains(where: Self.retryableStorageReasons.contains) { return true }
      guard let httpStatus else { return true }
      // 501 is how the emulator says a route does not exist; asking again cannot change that.
      return httpStatus == 408 || httpStatus == 429 || ((500..<600).contains(httpStatus) && httpStatus != 501)
    case .oauth:
      if status == "internal_failure" || status == "temporarily_unavailable" { return true }
      guard let httpStatus else { return false }
      return httpStatus == 408 || httpStatus == 429 || ((500..<600).contains(httpStatus) && httpStatus != 501)
    }
  }

  /// A quota or rate limit: the whole pool should slow down, not only this call.
  public var isRateLimit: Bool {
    httpStatus == 429 || status == "RESOURCE_EXHAUSTED" || reasons.contains(where: Self.rateLimitReasons.contains)
  }

  public var description: String {
    var head = "\(service.rawValue)"
    if let httpStatus { head += " HTTP \(httpStatus)" }
    if let status { head += " \(status)" }
    return "\(head): \(message)"
  }

  private static let retryableStorageReasons: Set<String> = [
    "rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError", "badGateway",
  ]
  private static let rateLimitReasons: Set<String> = ["rateLimitExceeded", "userRateLimitExceeded"]

  private static let rpcCodeNames: [Int: String] = [
    1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION", 10: "ABORTED", 11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE", 15: "DATA_LOSS", 16: "UNAUTHENTICATED",
  ]
}
