import struct Foundation.Date

/// The three date formats HTTP recipients must accept (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 and asctime.
enum HTTPDate {
  private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  static func parse(_ text: String) -> Date? {
    let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    let day: Int?, monthName: String, yearText: String, time: String
    switch tokens.count {
    case 6 where tokens[5] == "GMT" && !tokens[1].contains("-"):
      // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
      (day, monthName, yearText, time) = (Int(tokens[1]), tokens[2], tokens[3], tokens[4])
    case 4 where tokens[3] == "GMT":
      // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
      let parts = tokens[1].split(separator: "-").map(String.init)
      guard parts.count == 3 else { return nil }
      (day, monthName, time) = (Int(parts[0]), parts[1], tokens[2])
      guard parts[2].count == 2, let shortYear = digits(parts[2]) else { return nil }
      // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
      yearText = String(shortYear < 70 ? 2000 + shortYear : 1900 + shortYear)
    case 5:
      // asctime: Sun Nov  6 08:49:37 1994
      (day, monthName, time, yearText) = (Int(tokens[2]), tokens[1], tokens[3], tokens[4])
    default:
      return nil
    }
    guard let day, let month = months.firstIndex(of: monthName.lowercased()).map({ $0 + 1 }),
      yearText.count == 4, let year = digits(yearText), (1...31).contains(day)
    else { return nil }
    // Two digits each: no sign, no size that could overflow the arithmetic below.
    let clock = time.split(separator: ":", omittingEmptySubsequences: false).map { $0.count == 2 ? digits($0) : nil }
    guard clock.count == 3, let hour = clock[0], let minute = clock[1], let second = clock[2],
      hour < 24, minute < 60, second <= 60
    else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3_600 + minute * 60 + second))
  }

  /// The value of a run of ASCII digits; nil for anything else (a sign included).
  private static func digits(_ text: some StringProtocol) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) else { return nil }
    return Int(text)
  }

  /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}
