public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Exchanges a signed JWT for an access token (the service-account flow, RFC 7523).
public struct ServiceAccountTokenSource: AccessTokenSource {
  public let key: ServiceAccountKey
  public let scopes: [String]

  public init(key: ServiceAccountKey, scopes: [String] = [GoogleOAuth.cloudPlatformScope]) {
    self.key = key
    self.scopes = scopes
  }

  public var description: String { "service account \(key.clientEmail)" }

  public func fetchToken(using http: HTTPClient) async throws -> AccessToken {
    let request = try OAuthTokenRequest.serviceAccount(JWTSigner(key: key), scopes: scopes, now: Date())
    return try await TokenEndpoint.exchange(request, using: http)
  }
}

/// Refreshes gcloud's user login (`gcloud auth application-default login`).
public struct AuthorizedUserTokenSource: AccessTokenSource {
  public let credentials: AuthorizedUserCredentials

  public init(credentials: AuthorizedUserCredentials) {
    self.credentials = credentials
  }

  public var description: String { "gcloud user credentials" }

  public func fetchToken(using http: HTTPClient) async throws -> AccessToken {
    try await TokenEndpoint.exchange(OAuthTokenRequest.refresh(credentials), using: http)
  }
}

/// Asks the metadata server of Cloud Run, GCE or GKE for the attached service account's token.
public struct MetadataServerTokenSource: AccessTokenSource {
  /// `http://metadata.google.internal`, or `GCE_METADATA_HOST` when set.
  public let baseURL: String

  public init(host: String? = nil) {
    self.baseURL = "http://" + (host ?? "metadata.google.internal")
  }

  public var description: String { "the metadata server's service account" }

  public func fetchToken(using http: HTTPClient) async throws -> AccessToken {
    var request = HTTPClientRequest(url: baseURL + "/computeMetadata/v1/instance/service-accounts/default/token")
    request.headers.add(name: "Metadata-Flavor", value: "Google")
    let body: ByteBuffer
    let response: HTTPClientResponse
    do {
      response = try await http.execute(request, timeout: .seconds(10))
      body = try await response.body.collect(upTo: 64 * 1024)
    } catch {
      throw AuthenticationError("the metadata server did not answer a token request: \(error)", isTransient: true)
    }
    guard response.status == .ok else {
      throw AuthenticationError.answered(Int(response.status.code), "the metadata server answered \(response.status.code) to a token request")
    }
    return AccessToken(try OAuthTokenResponse(json: Array(body.readableBytesView)))
  }

  /// Whether a metadata server answers here (a short probe: the answer must carry `Metadata-Flavor: Google`).
  public func isAvailable(using http: HTTPClient) async -> Bool {
    var request = HTTPClientRequest(url: baseURL + "/computeMetadata/v1/project/project-id")
    request.headers.add(name: "Metadata-Flavor", value: "Google")
    guard let response = try? await http.execute(request, timeout: .seconds(2)) else { return false }
    return response.headers.first(name: "Metadata-Flavor") == "Google"
  }
}

/// POSTs a form-encoded token request and reads the answer.
enum TokenEndpoint {
  static func exchange(_ tokenRequest: OAuthTokenRequest, using http: HTTPClient) async throws -> AccessToken {
    var request = HTTPClientRequest(url: tokenRequest.url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: OAuthTokenRequest.contentType)
    request.body = .bytes(ByteBuffer(bytes: tokenRequest.bodyBytes))
    let response: HTTPClientResponse
    let body: [UInt8]
    do {
      response = try await http.execute(request, timeout: .seconds(30))
      body = Array(try await response.body.collect(upTo: 64 * 1024).readableBytesView)
    } catch {
      throw AuthenticationError("the token endpoint \(tokenRequest.url) did not answer: \(error)", isTransient: true)
    }
    guard response.status == .ok else {
      let detail = String(decoding: body.prefix(300), as: UTF8.self)
      throw AuthenticationError.answered(
        Int(response.status.code), "the token endpoint \(tokenRequest.url) answered \(response.status.code): \(detail)")
    }
    return AccessToken(try OAuthTokenResponse(json: body))
  }
}
