/// UTC civil time from Unix seconds, for timestamps and names, without a calendar dependency.
public enum CivilTime {
  /// `2024-03-05T14:07:09Z`
  public static func rfc3339(_ seconds: Int) -> String { "\(day(seconds))T\(clock(seconds, separator: ":"))Z" }

  /// `2024-03-05`
  public static func day(_ seconds: Int) -> String {
    let (year, month, day) = civil(days: seconds / 86_400)
    return "\(year)-\(pad(month))-\(pad(day))"
  }

  /// `14.07.09`
  public static func clock(_ seconds: Int, separator: String = ".") -> String {
    let s = seconds % 86_400
    return [s / 3_600, s % 3_600 / 60, s % 60].map(pad).joined(separator: separator)
  }

  /// `20240305_140709`
  public static func compact(_ seconds: Int) -> String {
    day(seconds).replacingOccurrences(of: "-", with: "") + "_" + clock(seconds, separator: "")
  }

  private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

  /// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
  private static func civil(days: Int) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
