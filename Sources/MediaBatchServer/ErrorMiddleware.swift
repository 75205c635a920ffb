import Hummingbird
import Logging

/// Turns every error a handler throws into a JSON error response, so a client never sees a bare 500 or HTML.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as APIError {
      return try error.response(from: request, context: context)
    } catch let error as HTTPError where error.status == .notFound {
      return try APIError.notFound(request.uri.path).response(from: request, context: context)
    } catch let error as any HTTPResponseError {
      let code: String =
        switch error.status {
        case .notFound: "not_found"
        case .badRequest: "invalid_request"
        case .contentTooLarge: "body_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        default: "http_\(error.status.code)"
        }
      let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
      return try APIError(error.status, code: code, message: message).response(from: request, context: context)
    } catch {
      context.logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
      return try APIError(.internalServerError, code: "internal", message: "the server failed to handle this request")
        .response(from: request, context: context)
    }
  }
}
