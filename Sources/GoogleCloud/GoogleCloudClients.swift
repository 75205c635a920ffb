public import AsyncHTTPClient
import Foundation
import Logging
public import NIOCore
import NIOSSL

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
    environment: GoogleCloudEnvironment, connections: Int, readTimeout: TimeAmount = .seconds(30), httpVersion: HTTPVersionChoice = .default
  ) async throws -> GoogleCloudClients {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections + 4))
    configuration.timeout = .init(connect: .seconds(15), read: readTimeout)
    configuration.decompression = .disabled
    configuration.httpVersion = httpVersion == .http2 ? .automatic : .http1Only
    if let file = environment.trustedCertificatesFile {
      // Read now, so a wrong file is one clear error and not a TLS failure on every request.
      guard FileManager.default.isReadableFile(atPath: file) else {
        throw TrustedCertificatesError(file: file, "cannot be read: it does not exist, or this user may not read it")
      }
      let certificates: [NIOSSLCertificate]
      do {
        certificates = try NIOSSLCertificate.fromPEMFile(file)
      } catch {
        throw TrustedCertificatesError(file: file, "is not a file of PEM certificates (\(error))")
      }
      guard !certificates.isEmpty else { throw TrustedCertificatesError(file: file, "holds no PEM certificate") }
      var tls = TLSConfiguration.makeClientConfiguration()
      tls.trustRoots = .certificates(certificates)
      configuration.tlsConfiguration = tls
    }
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

/// Which HTTP the clients speak over TLS. Plain HTTP (the emulators) is always HTTP/1.1.
public enum HTTPVersionChoice: String, Sendable, CaseIterable {
  /// HTTP/1.1 only: one connection per download in flight.
  case http1 = "1.1"
  /// HTTP/2 where the server offers it (Google's endpoints do): every download to one host multiplexed onto one
  /// connection.
  case http2 = "2"

  public static let `default` = HTTPVersionChoice.http1
}

/// The certificates `SSL_CERT_FILE` names cannot be used.
public struct TrustedCertificatesError: Error, Sendable, CustomStringConvertible {
  public var file: String
  public var reason: String

  public init(file: String, _ reason: String) {
    self.file = file
    self.reason = reason
  }

  public var description: String { "\(file) (SSL_CERT_FILE) \(reason)" }
}
