/// A JSON number's text split into sign, digits and a power of ten, so whole-number checks never round.
///
/// Proto3 JSON lets an int64 be written as `1e3` or `5.0`; going through `Double` would silently corrupt values
/// beyond 2^53, so the decision is made on the digits.
struct ExactDecimal {
  var isNegative: Bool
  /// Significant digits without leading zeros; empty for zero.
  var digits: [UInt8]
  /// The value is `digits × 10^exponent`.
  var exponent: Int

  /// Accepts text already known to match the JSON number grammar.
  init?(_ text: String) {
    var rest = Substring(text)
    isNegative = rest.hasPrefix("-")
    if isNegative { rest = rest.dropFirst() }
    var writtenExponent = 0
    if let marker = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      let exponentText = rest[rest.index(after: marker)...].drop { $0 == "+" }
      rest = rest[..<marker]
      // Seven exponent digits already exceed any int64 unless the digits are all zero.
      guard exponentText.count <= 7, let value = Int(exponentText) else {
        guard rest.allSatisfy({ $0 == "0" || $0 == "." }) else { return nil }
        self.digits = []
        self.exponent = 0
        return
      }
      writtenExponent = value
    }
    let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? parts[1] : ""
    let mantissa = (parts[0] + fraction).utf8.map { $0 &- UInt8(ascii: "0") }
    guard mantissa.allSatisfy({ $0 < 10 }) else { return nil }
    let firstSignificant = mantissa.firstIndex { $0 != 0 } ?? mantissa.endIndex
    digits = Array(mantissa[firstSignificant...])
    exponent = writtenExponent - fraction.count
  }

  /// The exact value as an Int64, or nil when it has a fractional part or does not fit.
  var int64: Int64? {
    if digits.isEmpty { return 0 }
    var significant = digits[...]
    var power = exponent
    // Trailing zeros of a fraction are not a fraction: 5.000 is 5.
    while power < 0, significant.last == 0 {
      significant = significant.dropLast()
      power += 1
    }
    guard power >= 0, significant.count + power <= 19 else { return nil }
    var magnitude: UInt64 = 0
    for digit in significant + repeatElement(0, count: power) {
      let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
      guard !overflow1, !overflow2 else { return nil }
      magnitude = sum
    }
    if isNegative {
      guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
      return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }
    guard magnitude <= UInt64(Int64.max) else { return nil }
    return Int64(magnitude)
  }
}
