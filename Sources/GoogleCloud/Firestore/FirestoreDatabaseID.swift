/// Firestore database ids: `(default)`, or the id of a named database.
public enum FirestoreDatabaseID {
  /// The database every project has, and the one a client reads unless told otherwise.
  public static let `default` = "(default)"

  /// What makes `id` unusable as a database id, or nil if it is usable.
  ///
  /// The rules are Firestore's for a named database: 4–63 characters, lowercase letters, digits and `-`, starting
  /// with a letter and ending with a letter or digit. Checked at start so a mistyped id is one clear error, not a
  /// 404 for every document.
  public static func problem(in id: String) -> String? {
    if id == Self.default { return nil }
    let bytes = Array(id.utf8)
    guard (4...63).contains(bytes.count) else { return "a database id has 4 to 63 characters, \"\(id)\" has \(id.count)" }
    let isLetter = { (byte: UInt8) in (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    guard bytes.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else {
      return "a database id has only lowercase letters, digits and '-', not \"\(id)\""
    }
    guard isLetter(bytes[0]), let last = bytes.last, isLetter(last) || isDigit(last) else {
      return "a database id starts with a letter and ends with a letter or digit, not \"\(id)\""
    }
    return nil
  }
}

/// A database id that Firestore would refuse.
public struct FirestoreDatabaseIDError: Error, Sendable, Hashable, CustomStringConvertible {
  public var id: String
  public var problem: String

  public var description: String { "the Firestore database \"\(id)\" cannot be used: \(problem)" }
}
