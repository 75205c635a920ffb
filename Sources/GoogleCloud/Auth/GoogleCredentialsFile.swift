/// A Google credentials JSON file of either supported type, as `GOOGLE_APPLICATION_CREDENTIALS` may name.
public enum GoogleCredentialsFile: Sendable, CustomStringConvertible {
  case serviceAccount(ServiceAccountKey)
  case authorizedUser(AuthorizedUserCredentials)

  /// Reads the file's JSON and picks the type from its `type` field; `file` names it in errors.
  public init(json: [UInt8], file: String) throws(CredentialsFileError) {
    let fields = try CredentialsFields(json: json, file: file)
    switch try fields.required("type") {
    case "service_account": self = .serviceAccount(try ServiceAccountKey(fields))
    case "authorized_user": self = .authorizedUser(try AuthorizedUserCredentials(fields))
    case let other:
      throw CredentialsFileError(
        file: file, field: "type", "is \"\(other)\"; only \"service_account\" and \"authorized_user\" are supported")
    }
  }

  public var description: String {
    switch self {
    case .serviceAccount(let key): key.description
    case .authorizedUser(let credentials): credentials.description
    }
  }
}
