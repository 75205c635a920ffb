import Hummingbird

/// Where every request enters, before it is routed: a `Host` this server does not answer to is refused (`421`), and
/// the path is made canonical (or refused), so the router and every check after it see one spelling of it.
struct FrontDoor<Router: HTTPResponder>: HTTPResponder where Router.Context: RequestContext {
  typealias Context = Router.Context

  let router: Router
  let hosts: HostPolicy

  func respond(to request: Request, context: Context) async throws -> Response {
    guard hosts.allowsHost(request.head.authority) else {
      return try APIError(
        .misdirectedRequest, code: "host_not_allowed",
        message: "this server does not answer to the host \(request.head.authority ?? ""); start it with --allowed-host to add one"
      ).response(from: request, context: context)
    }
    let canonical: String
    do {
      canonical = try CanonicalPath.make(request.uri.path)
    } catch {
      let refusal =
        error.isNotFound
        ? APIError(.notFound, code: "not_found", message: error.reason)
        : APIError(.badRequest, code: "invalid_path", message: "the path cannot be used: \(error.reason)")
      return try refusal.response(from: request, context: context)
    }
    guard canonical != request.uri.path else { return try await router.respond(to: request, context: context) }
    var head = request.head
    head.path = canonical + (request.uri.query.map { "?" + $0 } ?? "")
    return try await router.respond(to: Request(head: head, body: request.body), context: context)
  }
}
