import Toolbox

/// A parsed `Content-Range` response header: `bytes first-last/total`, `bytes first-last/*` or `bytes */total`.
public struct ContentRange: Sendable, Hashable, CustomStringConvertible {
  /// The byte range this response carries; nil in the `bytes */total` form a 416 response uses.
  public var range: ClosedRange<Int64>?
  /// The whole object's size; nil when the server wrote `*`.
  public var total: Int64?

  public init(range: ClosedRange<Int64>?, total: Int64?) {
    self.range = range
    self.total = total
  }

  /// Nil unless the value is well formed and consistent (first ≤ last < total).
  public init?(_ header: String) {
    let text = header.trimmingWhitespace()
    guard text.count > 6, text.prefix(6).lowercased() == "bytes " else { return nil }
    let spec = text.dropFirst(6).trimmingWhitespace()
    let halves = spec.split(separator: "/", omittingEmptySubsequences: false)
    guard halves.count == 2 else { return nil }
    if halves[1] == "*" {
      total = nil
    } else {
      guard let parsed = Self.number(halves[1]) else { return nil }
      total = parsed
    }
    if halves[0] == "*" {
      guard total != nil else { return nil }
      range = nil
      return
    }
    let bounds = halves[0].split(separator: "-", omittingEmptySubsequences: false)
    // A range ending at Int64.max is no object's (and its length would not fit).
    guard bounds.count == 2, let first = Self.number(bounds[0]), let last = Self.number(bounds[1]), first <= last, last < .max else {
      return nil
    }
    if let total, last >= total { return nil }
    range = first...last
  }

  /// Bytes in this response's range.
  public var length: Int64? {
    range.map { $0.upperBound - $0.lowerBound + 1 }
  }

  public var description: String {
    "bytes \(range.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "*")/\(total.map(String.init) ?? "*")"
  }

  private static func number(_ text: Substring) -> Int64? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
    return Int64(text)
  }
}
