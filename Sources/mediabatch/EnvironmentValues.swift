import ArgumentParser

/// The process environment as settings read it: an empty variable counts as unset, a number that does not parse is a
/// command-line error naming the variable.
struct EnvironmentValues {
  let variables: [String: String]

  func string(_ name: String) -> String? {
    guard let text = variables[name], !text.isEmpty else { return nil }
    return text
  }

  /// `what` completes "NAME must be …" when the value is not a whole number.
  func integer(_ name: String, what: String = "a whole number") throws -> Int? {
    guard let text = string(name) else { return nil }
    guard let number = Int(text) else { throw ValidationError("\(name) must be \(what), not \"\(text)\"") }
    return number
  }
}
