/// A credentials file that cannot be used, naming the file and the field at fault.
public struct CredentialsFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The path or other label of the file, as the caller named it.
  public var file: String
  /// The JSON field at fault, when one is.
  public var field: String?
  public var message: String

  public init(file: String, field: String? = nil, _ message: String) {
    self.file = file
    self.field = field
    self.message = message
  }

  public var description: String {
    if let field { return "credentials file \(file): field \"\(field)\" \(message)" }
    return "credentials file \(file): \(message)"
  }
}
