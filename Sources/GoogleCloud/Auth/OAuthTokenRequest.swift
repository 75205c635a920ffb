public import struct Foundation.Date

/// A form-encoded request to a token endpoint: where to POST it and the body to send.
public struct OAuthTokenRequest: Sendable, Hashable {
  public static let contentType = "application/x-www-form-urlencoded"

  public var url: String
  public var body: String

  public init(url: String, body: String) {
    self.url = url
    self.body = body
  }

  /// The service-account exchange: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…`.
  public static func serviceAccount(_ signer: JWTSigner, scopes: [String], now: Date) throws(AuthenticationError) -> OAuthTokenRequest {
    let assertion = try signer.tokenRequestAssertion(scopes: scopes, issuedAt: now)
    return OAuthTokenRequest(
      url: signer.key.tokenURI,
      body: PercentEncoding.formBody([("grant_type", GoogleOAuth.jwtBearerGrantType), ("assertion", assertion)])
    )
  }

  /// The user-credentials refresh: `grant_type=refresh_token&client_id=…&client_secret=…&refresh_token=…[&scope=…]`.
  public static func refresh(_ credentials: AuthorizedUserCredentials, scopes: [String] = []) -> OAuthTokenRequest {
    var pairs = [
      ("grant_type", "refresh_token"),
      ("client_id", credentials.clientID),
      ("client_secret", credentials.clientSecret),
      ("refresh_token", credentials.refreshToken),
    ]
    if !scopes.isEmpty { pairs.append(("scope", scopes.joined(separator: " "))) }
    return OAuthTokenRequest(url: credentials.tokenURI, body: PercentEncoding.formBody(pairs))
  }

  public var bodyBytes: [UInt8] { Array(body.utf8) }
}
