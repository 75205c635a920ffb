import Hummingbird

/// Every route the server answers, in one table: the router, authentication, the `405`s and the `OPTIONS` answers
/// are all derived from it, so a route cannot be reachable without the check its access names.
struct RouteTable<Context: RequestContext>: Sendable {
  private(set) var endpoints: [Endpoint<Context>] = []

  init(_ endpoints: [Endpoint<Context>] = []) {
    self.endpoints = endpoints
  }

  mutating func add(_ endpoints: [Endpoint<Context>]) {
    self.endpoints += endpoints
  }

  /// The methods each path answers, `HEAD` (wherever `GET` is) and `OPTIONS` included, in the order paths were added.
  var allowedMethods: [(path: String, methods: [HTTPRequest.Method])] {
    var order: [String] = []
    var methods: [String: [HTTPRequest.Method]] = [:]
    for endpoint in endpoints {
      if methods[endpoint.path] == nil { order.append(endpoint.path) }
      methods[endpoint.path, default: []].append(endpoint.method)
      if endpoint.method == .get { methods[endpoint.path]?.append(.head) }
    }
    return order.map { ($0, methods[$0, default: []] + [.options]) }
  }

  /// Methods a path that does not take them answers with `405` (any other method is `404`, as for an unknown path).
  static var refusedMethods: [HTTPRequest.Method] {
    [.get, .post, .put, .delete, .patch, .trace, HTTPRequest.Method("QUERY")].compactMap { $0 }
  }

  func register(on router: Router<Context>, guard requestGuard: RequestGuard) {
    let access = Dictionary(endpoints.map { ($0.path, $0.access) }, uniquingKeysWith: Self.stricter)
    for endpoint in endpoints {
      let pathAccess = access[endpoint.path] ?? .token
      router.on(RouterPath(endpoint.path), method: endpoint.method, responder: CallbackResponder { request, context in
        try requestGuard.check(request, access: pathAccess, changesState: endpoint.changesState)
        return try await endpoint.handle(request, context)
      })
    }
    for (path, methods) in allowedMethods {
      let pathAccess = access[path] ?? .token
      let allow = methods.map(\.rawValue).joined(separator: ", ")
      router.on(RouterPath(path), method: .options, responder: CallbackResponder { request, _ in
        try requestGuard.check(request, access: pathAccess, changesState: false)
        return Response(status: .noContent, headers: [.allow: allow])
      })
      for method in Self.refusedMethods where !methods.contains(method) {
        router.on(RouterPath(path), method: method, responder: CallbackResponder { request, _ in
          try requestGuard.check(request, access: pathAccess, changesState: false)
          throw APIError.methodNotAllowed(method, path, allowed: methods)
        })
      }
    }
  }

  /// Two routes on one path share its access; the stricter one wins.
  private static func stricter(_ a: Access, _ b: Access) -> Access {
    switch (a, b) {
    case (.token, _), (_, .token): .token
    case (.tokenOrQueryParameter, _), (_, .tokenOrQueryParameter): .tokenOrQueryParameter
    default: .open
    }
  }
}
