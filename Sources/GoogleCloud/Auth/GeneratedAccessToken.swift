public import Foundation

/// IAM Credentials' answer to `generateAccessToken`: `{"accessToken": "…", "expireTime": "2025-01-01T10:00:00Z"}`.
public struct GeneratedAccessToken: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
  public var accessToken: String
  public var expireTime: Date

  /// Reads the answer; `serviceAccount` names whose token it is, in errors.
  public init(json body: [UInt8], serviceAccount: String) throws(AuthenticationError) {
    let answer = "IAM Credentials' answer for \(serviceAccount)"
    guard let json = try? JSONValue(parsing: body), case .object(let object) = json else {
      throw AuthenticationError("\(answer) is not a JSON object")
    }
    guard case .string(let token)? = object["accessToken"], !token.isEmpty else {
      throw AuthenticationError("\(answer) has no accessToken")
    }
    guard case .string(let text)? = object["expireTime"] else { throw AuthenticationError("\(answer) has no expireTime") }
    if let problem = RFC3339Timestamp.problem(in: text) {
      throw AuthenticationError("\(answer) has an expireTime \"\(text.prefix(64))\" that is not an RFC 3339 time: \(problem)")
    }
    guard let date = Self.date(text) else {
      throw AuthenticationError("\(answer) has an expireTime \"\(text.prefix(64))\" that cannot be read as a time")
    }
    self.accessToken = token
    self.expireTime = date
  }

  /// The token, replaced before it expires by this machine's clock; a token that has already expired by it means
  /// the clock is wrong, and every request would carry a stale token.
  func accessToken(
    serviceAccount: String, now: Date = Date(), receivedAt: ContinuousClock.Instant = .now
  ) throws(AuthenticationError)
    -> AccessToken
  {
    let seconds = expireTime.timeIntervalSince(now)
    guard seconds > 0 else {
      let expired = ISO8601DateFormatter().string(from: expireTime)
      let clock = ISO8601DateFormatter().string(from: now)
      throw AuthenticationError(
        "IAM Credentials' token for \(serviceAccount) expires at \(expired), already past by this machine's clock (\(clock)): "
          + "check the system clock")
    }
    return AccessToken(value: accessToken, lifetime: .milliseconds(Int64(seconds * 1_000)), receivedAt: receivedAt)
  }

  /// An RFC 3339 time already validated: the formatter reads it without its fraction, which is added by hand
  /// (how many fraction digits the formatter accepts differs between platforms).
  private static func date(_ text: String) -> Date? {
    var whole = text.uppercased()
    var fraction = 0.0
    if let dot = whole.firstIndex(of: "."), let end = whole[whole.index(after: dot)...].firstIndex(where: { !$0.isNumber }) {
      fraction = Double("0" + whole[dot..<end]) ?? 0
      whole = String(whole[..<dot] + whole[end...])
    }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: whole)?.addingTimeInterval(fraction)
  }

  /// Never prints the token itself.
  public var description: String { "IAM Credentials token expiring at \(expireTime)" }

  /// Keeps the token out of `dump` and debugger output.
  public var customMirror: Mirror { Mirror(self, children: ["expireTime": expireTime]) }
}
