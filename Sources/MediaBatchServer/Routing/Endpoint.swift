import Hummingbird

/// Who may call a route. Every API route needs the token; only the routes that say so are open.
enum Access: Sendable {
  /// Anyone who reaches the server: the dashboard's page and assets, the health check, the API description.
  case open
  /// The API token, when one is set, in `Authorization: Bearer`.
  case token
  /// The API token in the header or in `?access_token=`: the event stream and exported files only, which
  /// `EventSource`, `<img>` and `<audio>` open without headers.
  case tokenOrQueryParameter
}

/// One route: method, path, who may call it, and its handler.
struct Endpoint<Context: RequestContext>: Sendable {
  var method: HTTPRequest.Method
  var path: String
  var access: Access
  var handle: @Sendable (Request, Context) async throws -> Response

  static func get<Output: ResponseGenerator>(
    _ path: String,
    access: Access = .token,
    _ handler: @escaping @Sendable (Request, Context) async throws -> Output
  ) -> Endpoint {
    Endpoint(method: .get, path: path, access: access) { request, context in
      try await handler(request, context).response(from: request, context: context)
    }
  }

  /// A state-changing route: always behind the token, and only for JSON requests from this server's own pages.
  static func post<Output: ResponseGenerator>(
    _ path: String,
    _ handler: @escaping @Sendable (Request, Context) async throws -> Output
  ) -> Endpoint {
    Endpoint(method: .post, path: path, access: .token) { request, context in
      try await handler(request, context).response(from: request, context: context)
    }
  }

  var changesState: Bool { method != .get && method != .head && method != .options }
}
