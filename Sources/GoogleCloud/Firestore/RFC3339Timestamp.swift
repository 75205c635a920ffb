/// Validation of RFC 3339 timestamps as Firestore writes them, without converting them (which would round).
///
/// Firestore stores microseconds and writes 0, 3, 6 or 9 fraction digits; any count from 1 to 9 is accepted so a
/// timestamp from another writer is not rejected for its precision. Years are 0001–9999, the range of
/// `google.protobuf.Timestamp`, and leap seconds are refused because that type cannot represent them.
public enum RFC3339Timestamp {
  /// Returns nil when `text` is a valid timestamp, otherwise what is wrong with it.
  public static func problem(in text: String) -> String? {
    let bytes = Array(text.utf8)
    var index = 0

    func number(_ digits: Int) -> Int? {
      guard bytes.count - index >= digits else { return nil }
      var value = 0
      for _ in 0..<digits {
        let digit = bytes[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
        index += 1
      }
      return value
    }

    func expect(_ characters: String) -> Bool {
      guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
      index += 1
      return true
    }

    guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
      return "the date is not YYYY-MM-DD"
    }
    guard year >= 1 else { return "year 0000 is out of range" }
    guard (1...12).contains(month) else { return "month \(month) is out of range" }
    guard (1...daysIn(month: month, year: year)).contains(day) else { return "day \(day) does not exist in month \(month)" }
    guard expect("Tt") else { return "the date and time must be separated by 'T'" }
    guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else {
      return "the time is not HH:MM:SS"
    }
    guard hour < 24, minute < 60, second < 60 else { return "the time \(hour):\(minute):\(second) is out of range" }
    if expect(".") {
      let start = index
      while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
      guard (1...9).contains(index - start) else { return "a fraction of a second needs 1 to 9 digits" }
    }
    if !expect("Zz") {
      guard expect("+-"), let offsetHours = number(2), expect(":"), let offsetMinutes = number(2) else {
        return "the time zone must be 'Z' or ±HH:MM"
      }
      guard offsetHours < 24, offsetMinutes < 60 else { return "the time zone offset is out of range" }
    }
    guard index == bytes.count else { return "unexpected text after the time zone" }
    return nil
  }

  public static func isValid(_ text: String) -> Bool {
    problem(in: text) == nil
  }

  private static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}
