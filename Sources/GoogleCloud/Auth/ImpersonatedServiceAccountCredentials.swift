/// gcloud's application-default credentials for acting as a service account (`"type":
/// "impersonated_service_account"`, written by `gcloud auth application-default login
/// --impersonate-service-account`): the credentials that ask, and whom they act as.
public struct ImpersonatedServiceAccountCredentials: Sendable, CustomStringConvertible {
  /// The credentials that ask IAM Credentials for the service account's tokens.
  public enum Source: Sendable, CustomStringConvertible {
    case serviceAccount(ServiceAccountKey)
    case authorizedUser(AuthorizedUserCredentials)

    public var description: String {
      switch self {
      case .serviceAccount(let key): key.description
      case .authorizedUser(let credentials): credentials.description
      }
    }

    var universeDomain: String {
      switch self {
      case .serviceAccount(let key): key.universeDomain
      case .authorizedUser(let credentials): credentials.universeDomain
      }
    }
  }

  public var source: Source
  public var impersonation: ServiceAccountImpersonation
  /// Sent as `x-goog-user-project` with the service account's tokens.
  public var quotaProjectID: String?
  public var universeDomain: String

  init(_ fields: CredentialsFields) throws(CredentialsFileError) {
    try fields.requireType("impersonated_service_account")
    let sourceFields = try fields.nested("source_credentials")
    switch try sourceFields.required("type") {
    case "service_account": source = .serviceAccount(try ServiceAccountKey(sourceFields))
    case "authorized_user": source = .authorizedUser(try AuthorizedUserCredentials(sourceFields))
    case let other:
      throw sourceFields.error(
        "type", "is \"\(other)\"; the credentials that impersonate must be \"service_account\" or \"authorized_user\"")
    }
    let urlField = "service_account_impersonation_url"
    guard let url = try fields.url(urlField) else { throw fields.error(urlField, "is missing") }
    impersonation = try ServiceAccountImpersonation(
      url: url, delegates: try fields.strings("delegates"), fields: fields, urlField: urlField)
    quotaProjectID = try fields.optional("quota_project_id")
    // The file's own universe, else its source's: either one outside googleapis.com is refused before use.
    let own = try fields.universeDomain()
    universeDomain = own != UniverseDomain.googleapis ? own : source.universeDomain
  }

  public var description: String {
    "service account \(impersonation.target) impersonated by \(source)"
  }
}
