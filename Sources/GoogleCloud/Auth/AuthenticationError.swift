/// A token could not be requested or the token endpoint's answer could not be read.
public struct AuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  /// The token endpoint or metadata server was busy or out of reach (5xx, 429, a timeout, a dropped connection):
  /// worth asking again. Only an answer that says the credentials are bad is not.
  public var isTransient: Bool

  public init(_ message: String, isTransient: Bool = false) {
    self.message = message
    self.isTransient = isTransient
  }

  /// The error for a token endpoint's or metadata server's HTTP answer: 5xx, 408 and 429 are transient; anything
  /// else (400 `invalid_grant`, 401, 403, 404) says the credentials cannot work.
  static func answered(_ status: Int, _ message: String) -> AuthenticationError {
    AuthenticationError(message, isTransient: status >= 500 || status == 408 || status == 429)
  }

  public var description: String { "authentication: \(message)" }
}
