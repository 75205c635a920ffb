/// Where the server listens and who may call it.
public struct ServerConfiguration: Sendable, Hashable {
  public var host: String
  public var port: Int
  /// When set, every API call must carry `Authorization: Bearer <token>`.
  public var apiToken: String?

  public init(host: String = "127.0.0.1", port: Int = 8000, apiToken: String? = nil) {
    self.host = host
    self.port = port
    self.apiToken = apiToken.flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Refuses settings that would expose the API: a non-loopback address without a token.
  public func validate() throws(ServerConfigurationError) {
    guard (0...65_535).contains(port) else { throw ServerConfigurationError("port \(port) is out of range 0–65535") }
    if apiToken == nil, !Self.isLoopback(host) {
      throw ServerConfigurationError(
        "refusing to listen on \(host) without an API token: anyone who can reach it could start and stop exports. "
          + "Set MEDIABATCH_API_TOKEN, or listen on 127.0.0.1."
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
