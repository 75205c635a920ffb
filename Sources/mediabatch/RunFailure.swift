#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a command could not do its work (a folder, a project, a history): told as its message alone, without the
/// command line's usage, and the process exits with 2.
struct RunFailure: Error, CustomStringConvertible {
  var message: String

  init(_ message: String) {
    self.message = message
  }

  /// `what` failed for the reason `errno` holds, in the system's words: "cannot create /x: Permission denied".
  static func system(_ what: String, errno code: Int32) -> RunFailure {
    RunFailure("\(what): \(String(cString: strerror(code)))")
  }

  var description: String { message }
}
