import Toolbox
public import struct Foundation.Date

/// Parses an HTTP `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
  /// The delay the server asked for, measured from `now`; a date in the past means no delay. Nil when unreadable.
  public static func delay(_ value: String, now: Date) -> Duration? {
    let text = value.trimmingWhitespace()
    guard !text.isEmpty else { return nil }
    if text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) {
      // Absurdly long numbers are unreadable rather than a reason to overflow.
      guard text.utf8.count <= 9, let seconds = Int64(text) else { return nil }
      return .seconds(seconds)
    }
    guard let date = HTTPDate.parse(text) else { return nil }
    let seconds = date.timeIntervalSince(now)
    return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
  }
}
