/// Where the server listens, who may call it, and the limits it keeps.
public struct ServerConfiguration: Sendable, Hashable {
  public var host: String
  public var port: Int
  /// When set, every API call must carry `Authorization: Bearer <token>`.
  public var apiToken: String?
  /// Host names (optionally `name:port`) the server answers to besides the loopback names and the address it listens
  /// on: the names a browser uses to reach it through a proxy or another interface.
  public var allowedHosts: [String]
  /// Event streams open at once; one more is answered `503` with `Retry-After`.
  public var maxEventStreams: Int
  /// How often an event stream writes a comment when nothing else is sent, so a client that has gone is noticed.
  public var eventHeartbeat: Duration
  /// An event stream that has carried no event for this long is closed; `EventSource` reconnects by itself.
  public var eventStreamIdleTimeout: Duration
  /// A connection with no request in flight for this long is closed.
  public var connectionIdleTimeout: Duration

  public init(
    host: String = "127.0.0.1",
    port: Int = 8000,
    apiToken: String? = nil,
    allowedHosts: [String] = [],
    maxEventStreams: Int = 64,
    eventHeartbeat: Duration = .seconds(15),
    eventStreamIdleTimeout: Duration = .seconds(600),
    connectionIdleTimeout: Duration = .seconds(60)
  ) {
    self.host = host
    self.port = port
    self.apiToken = apiToken.flatMap { $0.isEmpty ? nil : $0 }
    self.allowedHosts = allowedHosts
    self.maxEventStreams = maxEventStreams
    self.eventHeartbeat = eventHeartbeat
    self.eventStreamIdleTimeout = eventStreamIdleTimeout
    self.connectionIdleTimeout = connectionIdleTimeout
  }

  /// Refuses settings that would expose the API (a non-loopback address without a token) or that cannot work.
  public func validate() throws(ServerConfigurationError) {
    guard (0...65_535).contains(port) else { throw ServerConfigurationError("port \(port) is out of range 0–65535") }
    if apiToken == nil, !Self.isLoopback(host) {
      throw ServerConfigurationError(
        "refusing to listen on \(host) without an API token: anyone who can reach it could start and stop exports. "
          + "Set MEDIABATCH_API_TOKEN, or listen on 127.0.0.1."
      )
    }
    guard (1...10_000).contains(maxEventStreams) else {
      throw ServerConfigurationError("the event stream limit must be from 1 to 10000, not \(maxEventStreams)")
    }
    for name in allowedHosts where HostName(name) == nil {
      throw ServerConfigurationError(
        "allowed host \"\(name)\" is not a host name: give a name such as mediabatch.example.com or mediabatch.example.com:8443"
      )
    }
  }

  static func isLoopback(_ host: String) -> Bool {
    let host = host.lowercased()
    return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
  }
}

/// A server setting that cannot be used, with a message that says what to change.
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
  public var description: String

  init(_ description: String) {
    self.description = description
  }
}
