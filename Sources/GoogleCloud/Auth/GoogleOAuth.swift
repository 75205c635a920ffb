/// Constants of Google's OAuth 2.0 endpoints and scopes.
public enum GoogleOAuth {
  /// Where service-account assertions and refresh tokens are exchanged for access tokens.
  public static let defaultTokenURI = "https://oauth2.googleapis.com/token"
  /// The grant type of RFC 7523's JWT-bearer flow.
  public static let jwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
  /// The longest lifetime Google accepts for an assertion (`exp - iat`).
  public static let maximumAssertionLifetime: Duration = .seconds(3600)

  public static let datastoreScope = "https://www.googleapis.com/auth/datastore"
  public static let storageReadOnlyScope = "https://www.googleapis.com/auth/devstorage.read_only"
  public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
}
