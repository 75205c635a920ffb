public import AsyncHTTPClient

/// Where access tokens come from: a service-account key, gcloud's user login, or the metadata server.
public protocol AccessTokenSource: Sendable, CustomStringConvertible {
  /// Fetches a new token over `http`.
  func fetchToken(using http: HTTPClient) async throws -> AccessToken
}

/// A bearer token and the moment it should be replaced (a little before it expires).
public struct AccessToken: Sendable, Hashable {
  public var value: String
  /// `nil` for a token that never expires.
  public var refreshAt: ContinuousClock.Instant?

  public init(value: String, refreshAt: ContinuousClock.Instant?) {
    self.value = value
    self.refreshAt = refreshAt
  }

  /// A token from a token endpoint's answer, replaced 3 min 45 s before it expires, as Google's own clients do.
  init(_ response: OAuthTokenResponse, receivedAt: ContinuousClock.Instant = .now) {
    self.init(value: response.accessToken, lifetime: .seconds(max(0, response.expiresIn)), receivedAt: receivedAt)
  }

  /// A token valid for `lifetime` from `receivedAt`, replaced 3 min 45 s before it expires (halfway through a
  /// lifetime shorter than 7 min 30 s).
  init(value: String, lifetime: Duration, receivedAt: ContinuousClock.Instant) {
    let margin = min(Duration.seconds(225), lifetime / 2)
    self.init(value: value, refreshAt: receivedAt + lifetime - margin)
  }

  func isFresh(at now: ContinuousClock.Instant) -> Bool {
    refreshAt.map { now < $0 } ?? true
  }
}
