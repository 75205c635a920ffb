import Hummingbird
import MediaBatchCore

/// Requires `Authorization: Bearer <token>` (or `?access_token=`, for `EventSource`) on API paths.
struct TokenAuthenticator<Context: RequestContext>: RouterMiddleware {
  let token: [UInt8]

  init(token: String) {
    self.token = Array(token.utf8)
  }

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    guard APIPaths.requiresToken(request.uri.path) else { return try await next(request, context) }
    let presented = bearerToken(request) ?? request.uri.queryParameters.get("access_token")
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
    return try await next(request, context)
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

