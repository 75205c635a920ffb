import Foundation
public import Hummingbird

/// An API failure with its HTTP status and a stable code; every error response has the body
/// `{"error": {"code": …, "message": …}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
  public var status: HTTPResponse.Status
  public var code: String
  public var message: String
  public var headers: HTTPFields

  public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
    self.status = status
    self.code = code
    self.message = message
    self.headers = headers
  }

  public func response(from request: Request, context: some RequestContext) throws -> Response {
    var headers = self.headers
    headers[.contentType] = "application/json; charset=utf-8"
    let body = ErrorBody(error: .init(code: code, message: message))
    let data = try APIJSON.encode(body)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  private struct ErrorBody: Encodable {
    struct Detail: Encodable {
      var code: String
      var message: String
    }

    var error: Detail
  }

  static func notFound(_ path: String) -> APIError {
    APIError(.notFound, code: "not_found", message: "no such endpoint: \(path)")
  }

  static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String, allowed: [HTTPRequest.Method]) -> APIError {
    var headers = HTTPFields()
    headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
    return APIError(
      .methodNotAllowed,
      code: "method_not_allowed",
      message: "\(method.rawValue) is not allowed on \(path); use \(allowed.map(\.rawValue).joined(separator: " or "))",
      headers: headers
    )
  }
}
