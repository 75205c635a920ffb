/// A Firestore JSON value or document that does not have the shape the API defines, with the field path where it broke.
public struct FirestoreDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// One step from a document's root to the broken value.
  enum PathComponent: Sendable, Hashable {
    case field(String)
    case index(Int)
  }

  /// The full name of the document being decoded, when known.
  public var document: String?
  public var message: String
  /// Innermost component first: errors are built where the problem is and the path grows as they propagate out,
  /// so a successful decode never spends time building paths.
  var reversedPath: [PathComponent]

  init(_ message: String, document: String? = nil) {
    self.message = message
    self.document = document
    self.reversedPath = []
  }

  /// The field path in Firestore syntax, for example ``tags[2].`first name` ``; empty for the value itself.
  public var fieldPath: String {
    var text = ""
    for component in reversedPath.reversed() {
      switch component {
      case .field(let name):
        if !text.isEmpty { text += "." }
        text += Self.quoted(name)
      case .index(let index):
        text += "[\(index)]"
      }
    }
    return text
  }

  public var description: String {
    var parts: [String] = []
    if let document { parts.append("document \(document)") }
    if !reversedPath.isEmpty { parts.append("field \(fieldPath)") }
    parts.append(message)
    return parts.joined(separator: ": ")
  }

  func inside(_ component: PathComponent) -> FirestoreDecodingError {
    var copy = self
    copy.reversedPath.append(component)
    return copy
  }

  func inDocument(_ name: String) -> FirestoreDecodingError {
    var copy = self
    copy.document = name
    return copy
  }

  /// Backtick-quotes a segment that is not a simple identifier, escaping `` ` `` and `\`, as Firestore field paths do.
  static func quoted(_ name: String) -> String {
    let isSimple =
      !name.isEmpty
      && name.utf8.enumerated().allSatisfy { offset, byte in
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): offset > 0
        default: false
        }
      }
    if isSimple { return name }
    let escaped = name.replacing("\\", with: "\\\\").replacing("`", with: "\\`")
    return "`\(escaped)`"
  }
}
