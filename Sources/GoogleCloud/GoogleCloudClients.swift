public import AsyncHTTPClient
import Foundation
import Logging
public import NIOCore

/// The Firestore and Cloud Storage clients for one project, sharing one HTTP client and one token cache. The owner
/// shuts `http` down when done.
public struct GoogleCloudClients: Sendable {
  public let http: HTTPClient
  public let projectID: String
  public let firestore: FirestoreClient
  public let storage: CloudStorageClient
  /// Says where the credentials came from, for the CLI and the logs (never the secret itself).
  public let credentialsDescription: String

  /// Resolves credentials in the standard order (a key file, gcloud's user login, the metadata server) unless both
  /// services are emulated, and builds the clients. `connections` sizes the pool of connections per host;
  /// `readTimeout` ends a request that receives no byte for that long (a slow but moving body is the engine's to judge).
  public static func make(
    environment: GoogleCloudEnvironment, connections: Int, readTimeout: TimeAmount = .seconds(30)
  ) async throws -> GoogleCloudClients {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections + 4))
    configuration.timeout = .init(connect: .seconds(15), read: readTimeout)
    configuration.decompression = .disabled
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
      return try await make(environment: environment, http: http)
    } catch {
      try? await http.shutdown()
      throw error
    }
  }

  private static func make(environment: GoogleCloudEnvironment, http: HTTPClient) async throws -> GoogleCloudClients {
    var projectID = environment.projectID
    var tokens: TokenCache?
    var userProject: String?
    var description = "emulators (no credentials)"

    if !environment.isFullyEmulated {
      let source: any AccessTokenSource
      if let file = environment.credentialsFile ?? environment.gcloudCredentialsFile {
        let bytes: [UInt8]
        do {
          bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
          throw CredentialsFileError(file: file, "cannot be read: \(error.localizedDescription)")
        }
        switch try GoogleCredentialsFile(json: bytes, file: file) {
        case .serviceAccount(let key):
          projectID = projectID ?? key.projectID
          source = ServiceAccountTokenSource(key: key)
        case .authorizedUser(let credentials):
          userProject = credentials.quotaProjectID
          source = AuthorizedUserTokenSource(credentials: credentials)
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
      tokens = TokenCache(source: source, http: http)
      description = source.description
    }

    guard let projectID else {
      throw AuthenticationError("no project id: set FIREBASE_PROJECT_ID (or GOOGLE_CLOUD_PROJECT)")
    }

    let firestoreHTTP: GoogleHTTP
    let firestoreURL: String
    if let host = environment.firestoreEmulatorHost {
      firestoreHTTP = GoogleHTTP(client: http, authorization: .fixed("Bearer owner"))
      firestoreURL = "http://\(host)/v1"
    } else {
      firestoreHTTP = GoogleHTTP(client: http, authorization: tokens.map { .tokens($0) } ?? .none, userProject: userProject)
      firestoreURL = "https://firestore.googleapis.com/v1"
    }
    let storage: CloudStorageClient
    if let url = environment.storageEmulatorURL {
      storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: .none), baseURL: url)
    } else {
      storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: tokens.map { .tokens($0) } ?? .none, userProject: userProject))
    }
    return GoogleCloudClients(
      http: http,
      projectID: projectID,
      firestore: FirestoreClient(http: firestoreHTTP, baseURL: firestoreURL, projectID: projectID),
      storage: storage,
      credentialsDescription: description
    )
  }
}
