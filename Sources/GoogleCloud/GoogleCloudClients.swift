public import AsyncHTTPClient
import Foundation
import Logging
public import NIOCore
import NIOSSL
public import CoreMetrics

/// The Firestore and Cloud Storage clients for one project, sharing one HTTP client and one token cache. The owner
/// shuts `http` down when done.
public struct GoogleCloudClients: Sendable {
  public let http: HTTPClient
  public let projectID: String
  public let firestore: FirestoreClient
  public let storage: CloudStorageClient
  /// Says where the credentials came from, for the CLI and the logs (never the secret itself).
  public let credentialsDescription: String

  /// Resolves credentials in the standard order (a key file, gcloud's user login, the metadata server), and the
  /// service account to act as, unless both services are emulated, and builds the clients for the project's
  /// database, billed to the billing project when there is one. `connections` sizes the pool of connections per host;
  /// `readTimeout` ends a request that receives no byte for that long (a slow but moving body is the engine's to judge).
  /// With `metrics`, every Firestore and Cloud Storage call's time is recorded by service, method and status.
  public static func make(
    environment: GoogleCloudEnvironment, connections: Int, readTimeout: TimeAmount = .seconds(30), httpVersion: HTTPVersionChoice = .default,
    metrics: (any MetricsFactory)? = nil
  ) async throws -> GoogleCloudClients {
    try UniverseDomain.require(environment.universeDomain, from: "GOOGLE_CLOUD_UNIVERSE_DOMAIN")
    if let problem = FirestoreDatabaseID.problem(in: environment.databaseID) {
      throw FirestoreDatabaseIDError(id: environment.databaseID, problem: problem)
    }
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
      return try await make(environment: environment, http: http, calls: metrics.map(APICallMetrics.init(factory:)))
    } catch {
      try? await http.shutdown()
      throw error
    }
  }

  private static func make(environment: GoogleCloudEnvironment, http: HTTPClient, calls: APICallMetrics?) async throws -> GoogleCloudClients {
    var projectID = environment.projectID
    var authorization = GoogleHTTP.Authorization.none
    // A billing project replaces the quota project the credentials name.
    var userProject = environment.billingProject
    var description = "emulators (no credentials)"

    if !environment.isFullyEmulated {
      let impersonation = try impersonation(environment)
      let credentials = try await ApplicationDefaultCredentials.find(in: environment, impersonation: impersonation, http: http)
      projectID = projectID ?? credentials.projectID
      userProject = userProject ?? credentials.quotaProject
      authorization = .tokens(TokenCache(source: credentials.source, http: http))
      description = credentials.source.description
    }
    if let billingProject = environment.billingProject { description += "; requests billed to project \(billingProject)" }

    guard let projectID else {
      throw AuthenticationError("no project id: set FIREBASE_PROJECT_ID (or GOOGLE_CLOUD_PROJECT)")
    }

    let firestore: FirestoreClient
    if let host = environment.firestoreEmulatorHost {
      firestore = FirestoreClient(
        http: GoogleHTTP(client: http, authorization: .fixed("Bearer owner"), userProject: environment.billingProject, metrics: calls),
        baseURL: "http://\(host)/v1", projectID: projectID, databaseID: environment.databaseID)
    } else {
      firestore = FirestoreClient(
        http: GoogleHTTP(client: http, authorization: authorization, userProject: userProject, metrics: calls), baseURL: environment.endpoints.firestore,
        projectID: projectID, databaseID: environment.databaseID)
    }
    let storage: CloudStorageClient
    if let url = environment.storageEmulatorURL {
      storage = CloudStorageClient(
        http: GoogleHTTP(client: http, authorization: .none, userProject: environment.billingProject, metrics: calls), baseURL: url,
        userProject: environment.billingProject)
    } else {
      storage = CloudStorageClient(
        http: GoogleHTTP(client: http, authorization: authorization, userProject: userProject, metrics: calls), baseURL: environment.endpoints.storage,
        userProject: environment.billingProject)
    }
    return GoogleCloudClients(
      http: http, projectID: projectID, firestore: firestore, storage: storage, credentialsDescription: description)
  }

  /// The service account the environment says to act as, if any.
  private static func impersonation(_ environment: GoogleCloudEnvironment) throws -> ServiceAccountImpersonation? {
    guard !environment.impersonatedServiceAccounts.isEmpty else { return nil }
    return try ServiceAccountImpersonation(
      chain: environment.impersonatedServiceAccounts, iamCredentialsURL: environment.endpoints.iamCredentials)
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
