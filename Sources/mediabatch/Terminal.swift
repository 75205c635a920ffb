import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The CLI's own output: progress to standard error, results to standard output, numbers for people.
enum Terminal {
  static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

  /// A line for people on standard error; with `--log-format json`, a structured line of that severity.
  static func writeError(_ text: String, severity: String = "NOTICE") {
    let line = StructuredLog.format == .json ? StructuredLog.line(severity: severity, message: text) : text
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// Replaces the current terminal line.
  static func rewriteLine(_ text: String) {
    FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
  }

  static func endLine() {
    FileHandle.standardError.write(Data("\n".utf8))
  }

  /// `12.3 MB`, decimal units as file managers show them.
  static func bytes(_ value: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"]
    var amount = Double(value)
    var unit = 0
    while amount >= 1000, unit < units.count - 1 {
      amount /= 1000
      unit += 1
    }
    return unit == 0 ? "\(value) B" : String(format: amount >= 100 ? "%.0f %@" : "%.1f %@", amount, units[unit])
  }

  /// `1:05`, `1:02:03`.
  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "–" }
    let total = Int(seconds.rounded())
    let (hours, minutes, secs) = (total / 3600, total % 3600 / 60, total % 60)
    return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
  }

  /// `12,345`
  static func count(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (index, character) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
      result.append(character)
    }
    return result
  }
}
