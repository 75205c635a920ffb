/// gcloud's application-default user credentials (`"type": "authorized_user"`): a refresh token and its client.
public struct AuthorizedUserCredentials: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
  public var clientID: String
  public var clientSecret: String
  public var refreshToken: String
  /// Sent as `x-goog-user-project`; without it, user credentials may hit another project's quota.
  public var quotaProjectID: String?
  public var tokenURI: String
  /// `googleapis.com` unless the file names another universe.
  public var universeDomain = UniverseDomain.googleapis

  public init(
    clientID: String, clientSecret: String, refreshToken: String, quotaProjectID: String? = nil,
    tokenURI: String = GoogleOAuth.defaultTokenURI
  ) {
    self.clientID = clientID
    self.clientSecret = clientSecret
    self.refreshToken = refreshToken
    self.quotaProjectID = quotaProjectID
    self.tokenURI = tokenURI
  }

  /// Reads the file's JSON; `file` names it in errors.
  public init(json: [UInt8], file: String) throws(CredentialsFileError) {
    try self.init(try CredentialsFields(json: json, file: file))
  }

  init(_ fields: CredentialsFields) throws(CredentialsFileError) {
    try fields.requireType("authorized_user")
    self.clientID = try fields.required("client_id")
    self.clientSecret = try fields.required("client_secret")
    self.refreshToken = try fields.required("refresh_token")
    self.quotaProjectID = try fields.optional("quota_project_id")
    self.tokenURI = try fields.tokenURI()
    self.universeDomain = try fields.universeDomain()
  }

  public var description: String {
    "user credentials of client \(clientID)" + (quotaProjectID.map { " (quota project \($0))" } ?? "")
  }

  /// Keeps the secret and the refresh token out of `dump` and debugger output.
  public var customMirror: Mirror {
    Mirror(self, children: ["clientID": clientID, "quotaProjectID": quotaProjectID as Any, "tokenURI": tokenURI])
  }
}
