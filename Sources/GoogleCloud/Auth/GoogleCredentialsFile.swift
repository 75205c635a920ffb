/// A Google credentials JSON file of a supported type, as `GOOGLE_APPLICATION_CREDENTIALS` may name.
public enum GoogleCredentialsFile: Sendable, CustomStringConvertible {
  case serviceAccount(ServiceAccountKey)
  case authorizedUser(AuthorizedUserCredentials)
  case impersonatedServiceAccount(ImpersonatedServiceAccountCredentials)

  /// Reads the file's JSON and picks the type from its `type` field; `file` names it in errors.
  public init(json: [UInt8], file: String) throws(CredentialsFileError) {
    let fields = try CredentialsFields(json: json, file: file)
    switch try fields.required("type") {
    case "service_account": self = .serviceAccount(try ServiceAccountKey(fields))
    case "authorized_user": self = .authorizedUser(try AuthorizedUserCredentials(fields))
    case "impersonated_service_account": self = .impersonatedServiceAccount(try ImpersonatedServiceAccountCredentials(fields))
    case let other:
      throw CredentialsFileError(
        file: file, field: "type",
        "is \"\(other)\"; only \"service_account\", \"authorized_user\" and \"impersonated_service_account\" are supported")
    }
  }

  /// The universe the credentials belong to (`universe_domain`, googleapis.com when absent).
  public var universeDomain: String {
    switch self {
    case .serviceAccount(let key): key.universeDomain
    case .authorizedUser(let credentials): credentials.universeDomain
    case .impersonatedServiceAccount(let credentials): credentials.universeDomain
    }
  }

  public var description: String {
    switch self {
    case .serviceAccount(let key): key.description
    case .authorizedUser(let credentials): credentials.description
    case .impersonatedServiceAccount(let credentials): credentials.description
    }
  }
}
