public import AsyncHTTPClient
import Foundation

/// The credentials the environment names, found in Google's standard order: a key or credentials file
/// (`GOOGLE_APPLICATION_CREDENTIALS`), gcloud's application-default login, the metadata server; then, when asked,
/// used to act as another service account.
public struct ApplicationDefaultCredentials: Sendable {
  public var source: any AccessTokenSource
  /// The project a service-account key belongs to: the fallback when no project is configured.
  public var projectID: String?
  /// Sent as `x-goog-user-project` with the API calls: the quota project of user credentials, or the one an
  /// impersonation file names.
  public var quotaProject: String?

  /// Finds the credentials; `impersonation` (from the command line or the environment) replaces whatever service
  /// account a credentials file says to act as.
  public static func find(
    in environment: GoogleCloudEnvironment, impersonation: ServiceAccountImpersonation?, http: HTTPClient
  ) async throws -> ApplicationDefaultCredentials {
    let source: any AccessTokenSource
    var keyProject: String?
    // The quota project of the credentials found, and of the account an impersonation file acts as.
    var sourceQuotaProject: String?
    var fileImpersonation: (ServiceAccountImpersonation, quotaProject: String?)?
    if let file = environment.credentialsFile ?? environment.gcloudCredentialsFile {
      let credentials = try readFile(file)
      switch credentials {
      case .serviceAccount(let key):
        source = ServiceAccountTokenSource(key: key)
        keyProject = key.projectID
      case .authorizedUser(let user):
        source = AuthorizedUserTokenSource(credentials: user)
        sourceQuotaProject = user.quotaProjectID
      case .impersonatedServiceAccount(let impersonated):
        switch impersonated.source {
        case .serviceAccount(let key): source = ServiceAccountTokenSource(key: key)
        case .authorizedUser(let user):
          source = AuthorizedUserTokenSource(credentials: user)
          sourceQuotaProject = user.quotaProjectID
        }
        fileImpersonation = (impersonated.impersonation, impersonated.quotaProjectID)
      }
    } else {
      let metadata = MetadataServerTokenSource(host: environment.metadataHost)
      guard await metadata.isAvailable(using: http) else {
        throw AuthenticationError(
          "no Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS (or FIREBASE_SERVICE_ACCOUNT_PATH) to a "
            + "service-account key file, run `gcloud auth application-default login`, or run on Google Cloud"
        )
      }
      source = metadata
    }
    if let impersonation = impersonation ?? fileImpersonation?.0 {
      // The account acted as pays for its own calls unless the impersonation file names a quota project; the
      // quota project of the credentials that ask goes with their own request to IAM Credentials.
      return ApplicationDefaultCredentials(
        source: ImpersonatedTokenSource(source: source, sourceQuotaProject: sourceQuotaProject, impersonation: impersonation, http: http),
        projectID: keyProject,
        quotaProject: impersonation == fileImpersonation?.0 ? fileImpersonation?.quotaProject : nil
      )
    }
    return ApplicationDefaultCredentials(source: source, projectID: keyProject, quotaProject: sourceQuotaProject)
  }

  /// Reads and checks a credentials file: its type, its fields and its universe.
  private static func readFile(_ file: String) throws -> GoogleCredentialsFile {
    let bytes: [UInt8]
    do {
      bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    } catch {
      throw CredentialsFileError(file: file, "cannot be read: \(error.localizedDescription)")
    }
    let credentials = try GoogleCredentialsFile(json: bytes, file: file)
    try UniverseDomain.require(credentials.universeDomain, from: "universe_domain of the credentials file \(file)")
    return credentials
  }
}
