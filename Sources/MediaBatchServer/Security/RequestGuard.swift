import Hummingbird
import MediaBatchCore
import Toolbox

/// What every routed request must show before its handler runs: the API token, when the route's access asks for it
/// and one is set; and, for a request that changes state, a JSON body type (a page on another site cannot send one
/// without the browser asking first, which this server never allows) and, when the browser names an `Origin`, one of
/// this server's own.
struct RequestGuard: Sendable {
  let token: [UInt8]?
  let hosts: HostPolicy

  init(token: String?, hosts: HostPolicy) {
    self.token = token.map { Array($0.utf8) }
    self.hosts = hosts
  }

  func check(_ request: Request, access: Access, changesState: Bool) throws(APIError) {
    if let token, access != .open {
      try authenticate(request, token: token, acceptsQueryParameter: access == .tokenOrQueryParameter)
    }
    if changesState {
      if let origin = request.headers[.origin], !hosts.allowsOrigin(origin) {
        throw APIError(
          .forbidden, code: "forbidden_origin",
          message: "requests that change state are accepted only from this server's own pages, not from \(origin)")
      }
      let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingWhitespace().lowercased()
      guard mediaType == "application/json" else {
        throw APIError(
          .unsupportedMediaType, code: "unsupported_media_type",
          message: "send Content-Type: application/json (the body may be empty)")
      }
    }
  }

  private func authenticate(_ request: Request, token: [UInt8], acceptsQueryParameter: Bool) throws(APIError) {
    let presented = bearerToken(request) ?? (acceptsQueryParameter ? request.uri.queryParameters.get("access_token") : nil)
    guard let presented, Self.constantTimeEquals(Array(presented.utf8), token) else {
      var headers = HTTPFields()
      headers[.wwwAuthenticate] = "Bearer realm=\"mediabatch\""
      throw APIError(
        .unauthorized,
        code: "unauthorized",
        message: "this server requires an API token: send Authorization: Bearer <MEDIABATCH_API_TOKEN>",
        headers: headers
      )
    }
  }

  private func bearerToken(_ request: Request) -> String? {
    guard let header = request.headers[.authorization] else { return nil }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
    return parts[1].trimmingWhitespace()
  }

  /// Compares in time that depends only on the lengths, never on where the first difference is.
  static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(a.count == b.count ? 0 : 1)
    let length = max(a.count, b.count)
    for index in 0..<length {
      let x = index < a.count ? a[index] : 0
      let y = index < b.count ? b[index] : 0
      difference |= x ^ y
    }
    return difference == 0
  }
}
