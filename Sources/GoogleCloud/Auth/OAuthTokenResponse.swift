public import struct Foundation.Date

/// A token endpoint's (or the metadata server's) success answer: `{"access_token","expires_in","token_type"}`.
public struct OAuthTokenResponse: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
  public var accessToken: String
  /// Seconds the token stays valid from when it was issued.
  public var expiresIn: Int64
  public var tokenType: String
  /// A user-credentials refresh may rotate the refresh token.
  public var refreshToken: String?

  public init(accessToken: String, expiresIn: Int64, tokenType: String = "Bearer", refreshToken: String? = nil) {
    self.accessToken = accessToken
    self.expiresIn = expiresIn
    self.tokenType = tokenType
    self.refreshToken = refreshToken
  }

  public init(json body: [UInt8]) throws(AuthenticationError) {
    guard let json = try? JSONValue(parsing: body), case .object(let object) = json else {
      throw AuthenticationError("the token endpoint's answer is not a JSON object")
    }
    guard case .string(let token)? = object["access_token"], !token.isEmpty else {
      throw AuthenticationError("the token endpoint's answer has no access_token")
    }
    let expires: Int64?
    switch object["expires_in"] {
    case .number(let text)?: expires = ExactDecimal(text)?.int64
    case .string(let text)? where JSONParser.isNumber(text): expires = ExactDecimal(text)?.int64
    default: expires = nil
    }
    guard let expires, expires > 0 else { throw AuthenticationError("the token endpoint's answer has no valid expires_in") }
    self.accessToken = token
    self.expiresIn = expires
    self.tokenType = object["token_type"]?.stringValue ?? "Bearer"
    self.refreshToken = object["refresh_token"]?.stringValue
  }

  /// When to refresh: google-auth treats a token as expired 3 min 45 s early, so requests never carry a token that
  /// expires in flight.
  public func refreshDate(receivedAt: Date, margin: Duration = .seconds(225)) -> Date {
    let lifetime = max(Double(expiresIn) - Double(margin.components.seconds), 0)
    return receivedAt.addingTimeInterval(lifetime)
  }

  /// Never prints the token itself.
  public var description: String { "\(tokenType) token valid for \(expiresIn) s" }

  /// Keeps the tokens out of `dump` and debugger output.
  public var customMirror: Mirror {
    Mirror(self, children: ["expiresIn": expiresIn, "tokenType": tokenType])
  }
}
