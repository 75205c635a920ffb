/// A token could not be requested or the token endpoint's answer could not be read.
public struct AuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }

  public var description: String { "authentication: \(message)" }
}
