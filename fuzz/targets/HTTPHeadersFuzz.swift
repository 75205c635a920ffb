/// Fuzz target `http-headers`: the response-header parsers `ContentRange`, `ObjectHashes` (x-goog-hash, with
/// `Base64`), `HTTPDate` and `RetryAfter` (Sources/GoogleCloud/Storage and Sources/GoogleCloud/Errors).
///
/// The input, as UTF-8 text, is given to each parser whole; its lines are also given to `ObjectHashes` as separate
/// header values. Properties checked:
/// - no parser crashes (ObjectHashes returns or throws `CloudStorageError`);
/// - a parsed `ContentRange` keeps its promise "first ≤ last < total": a range has 0 ≤ first ≤ last, and last <
///   total when the total is known; the `bytes */total` form always has a total; its `length` is computable and
///   positive; its `description` parses back to the same value;
/// - parsed hashes have a 16-byte MD5 and their `headerValue` parses back to the same hashes;
/// - `HTTPDate` reads a finite date; `RetryAfter` never returns a negative delay;
/// - generated dates (from the input's bytes) written in each HTTP-date format (IMF-fixdate for years 1–9999,
///   RFC 850 for 1970–2069, asctime) parse to exactly that second, and `RetryAfter` turns that date, and plain
///   delay-seconds, into the right delay.

import Foundation
import Toolbox

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeBufferPointer(start: data, count: size)
  let text = String(decoding: input, as: UTF8.self)

  checkContentRange(text)
  checkHashes(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
  checkHashes([text])
  if let date = HTTPDate.parse(text) {
    require(date.timeIntervalSince1970.isFinite, "HTTPDate.parse(\(escaped(text))) is not finite")
  }
  let now = Date(timeIntervalSince1970: 1_700_000_000)
  if let delay = RetryAfter.delay(text, now: now) {
    require(delay >= .zero, "RetryAfter.delay(\(escaped(text))) is negative: \(delay)")
  }

  var random = InputRandom(input)
  checkGeneratedDates(&random)
  return 0
}

private func checkContentRange(_ text: String) {
  guard let parsed = ContentRange(text) else { return }
  if let range = parsed.range {
    require(range.lowerBound >= 0, "Content-Range \(escaped(text)): negative first byte \(range.lowerBound)")
    if let total = parsed.total {
      require(range.upperBound < total, "Content-Range \(escaped(text)): last \(range.upperBound) ≥ total \(total)")
    }
    guard let length = parsed.length else { violation("Content-Range \(escaped(text)): a range without a length") }
    require(length >= 1, "Content-Range \(escaped(text)): length \(length)")
  } else {
    require(parsed.total != nil, "Content-Range \(escaped(text)): neither a range nor a total")
    require(parsed.length == nil, "Content-Range \(escaped(text)): a length without a range")
  }
  require(ContentRange(parsed.description) == parsed, "Content-Range \(escaped(text)): description \(parsed.description) does not parse back")
}

private func checkHashes(_ headers: [String]) {
  guard let hashes = try? ObjectHashes(headerValues: headers) else { return }
  if let md5 = hashes.md5 { require(md5.count == 16, "md5 of \(md5.count) bytes from \(headers.map { escaped($0) })") }
  let again = try? ObjectHashes(headerValues: [hashes.headerValue])
  require(again == hashes, "headerValue \(hashes.headerValue) does not parse back (from \(headers.map { escaped($0) }))")
}

// MARK: - Generated dates

private let weekdays = ["Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"]  // from 1970-01-01
private let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/// Seconds from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, relative to 1970.
private let firstSecond: Int64 = -62_135_596_800
private let lastSecond: Int64 = 253_402_300_799

private func checkGeneratedDates(_ random: inout InputRandom) {
  let seconds = firstSecond + Int64(random.next() % UInt64(lastSecond - firstSecond + 1))
  let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
  let secondOfDay = Int(seconds - Int64(days) * 86_400)
  let (year, month, day) = civil(fromDays: days)
  let weekday = weekdays[((days % 7) + 7) % 7]
  let clock = "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
  let expected = Date(timeIntervalSince1970: Double(seconds))

  var forms = [
    "\(weekday.prefix(3)), \(pad(day, 2)) \(monthNames[month - 1]) \(pad(year, 4)) \(clock) GMT",
    "\(weekday.prefix(3)) \(monthNames[month - 1]) \(day < 10 ? " " : "")\(day) \(clock) \(pad(year, 4))",
  ]
  if (1970...2069).contains(year) {
    forms.append("\(weekday), \(pad(day, 2))-\(monthNames[month - 1])-\(pad(year % 100, 2)) \(clock) GMT")
  }
  for form in forms {
    let parsed = HTTPDate.parse(form)
    require(parsed == expected, "HTTPDate.parse(\(escaped(form))) = \(String(describing: parsed?.timeIntervalSince1970)), expected \(seconds)")
  }

  let now = Date(timeIntervalSince1970: Double(firstSecond + Int64(random.next() % UInt64(lastSecond - firstSecond + 1))))
  let delay = RetryAfter.delay(forms[0], now: now)
  let wait = Int64(expected.timeIntervalSince(now))
  require(delay == (wait > 0 ? .seconds(wait) : .zero), "RetryAfter.delay(\(escaped(forms[0])), now: \(now)) = \(String(describing: delay))")

  let delaySeconds = Int64(random.next() % 1_000_000_000)
  require(RetryAfter.delay(" \(delaySeconds) ", now: now) == .seconds(delaySeconds), "RetryAfter.delay(\(delaySeconds))")
}

/// Howard Hinnant's civil_from_days: the proleptic Gregorian date of a day count from 1970-01-01.
private func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
  let z = days + 719_468
  let era = (z >= 0 ? z : z - 146_096) / 146_097
  let dayOfEra = z - era * 146_097
  let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
  let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
  let shiftedMonth = (5 * dayOfYear + 2) / 153
  let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
  let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
  return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

private func pad(_ value: Int, _ width: Int) -> String {
  let digits = String(value)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
