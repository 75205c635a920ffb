import _CryptoExtras

/// A service-account key file (`"type": "service_account"`), with its RSA private key already loaded.
///
/// The key is parsed when the file is read so that a broken key fails at start-up with the file's name, not at the
/// first token refresh. The private key is never exposed or printed.
public struct ServiceAccountKey: Sendable, CustomStringConvertible, CustomReflectable {
  public var projectID: String?
  /// Becomes the `kid` of signed assertions.
  public var privateKeyID: String?
  /// Becomes the `iss` of signed assertions.
  public var clientEmail: String
  public var clientID: String?
  public var tokenURI: String
  public var universeDomain: String

  let signingKey: _RSA.Signing.PrivateKey

  /// Reads a key file's JSON; `file` names it in errors.
  public init(json: [UInt8], file: String) throws(CredentialsFileError) {
    let fields = try CredentialsFields(json: json, file: file)
    try self.init(fields)
  }

  init(_ fields: CredentialsFields) throws(CredentialsFileError) {
    try fields.requireType("service_account")
    self.projectID = try fields.optional("project_id")
    self.privateKeyID = try fields.optional("private_key_id")
    self.clientEmail = try fields.required("client_email")
    self.clientID = try fields.optional("client_id")
    self.tokenURI = try fields.tokenURI()
    self.universeDomain = try fields.universeDomain()
    self.signingKey = try Self.loadKey(try fields.required("private_key"), fields: fields)
  }

  /// Loads a PEM key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`).
  private static func loadKey(_ pem: String, fields: CredentialsFields) throws(CredentialsFileError) -> _RSA.Signing.PrivateKey {
    if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) { return key }
    // A key copied through an environment variable often carries literal "\n" pairs instead of line breaks.
    if pem.contains("\\n"), let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem.replacing("\\n", with: "\n")) {
      return key
    }
    let hint = pem.contains("BEGIN") ? "cannot be loaded as an RSA private key of at least 2048 bits" : "is not a PEM private key"
    throw fields.error("private_key", hint)
  }

  public var description: String {
    "service account \(clientEmail) (project \(projectID ?? "unknown"), key \(privateKeyID ?? "without id"))"
  }

  /// Keeps the private key out of `dump` and debugger output.
  public var customMirror: Mirror {
    Mirror(
      self,
      children: ["projectID": projectID as Any, "privateKeyID": privateKeyID as Any, "clientEmail": clientEmail, "tokenURI": tokenURI])
  }
}
