public import AsyncHTTPClient
import Foundation
import NIOCore

/// Acts as a service account: the source credentials' token asks IAM Credentials' `generateAccessToken` for one of
/// the service account's, which lives an hour. The source token is cached and refreshed on its own, and a 401 from
/// IAM Credentials refreshes it once, like every Google call.
public struct ImpersonatedTokenSource: AccessTokenSource {
  public let impersonation: ServiceAccountImpersonation
  public let scopes: [String]
  /// What the source credentials are, for messages.
  public let sourceDescription: String
  private let sourceTokens: TokenCache
  /// Sent as `x-goog-user-project` with the source's requests: the quota project of gcloud's user credentials.
  private let sourceQuotaProject: String?

  public init(
    source: any AccessTokenSource, sourceQuotaProject: String? = nil, impersonation: ServiceAccountImpersonation, http: HTTPClient,
    scopes: [String] = [GoogleOAuth.cloudPlatformScope]
  ) {
    self.impersonation = impersonation
    self.scopes = scopes
    self.sourceDescription = source.description
    self.sourceTokens = TokenCache(source: source, http: http)
    self.sourceQuotaProject = sourceQuotaProject
  }

  public var description: String {
    let chain = impersonation.delegates.isEmpty ? "" : " through \(impersonation.delegates.joined(separator: ", "))"
    return "service account \(impersonation.target) impersonated by \(sourceDescription)\(chain)"
  }

  public func fetchToken(using http: HTTPClient) async throws -> AccessToken {
    var request = HTTPClientRequest(url: impersonation.url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(bytes: impersonation.requestBody(scopes: scopes)))
    let sourceHTTP = GoogleHTTP(client: http, authorization: .tokens(sourceTokens), userProject: sourceQuotaProject)
    let response: HTTPClientResponse
    let body: [UInt8]
    do {
      response = try await sourceHTTP.execute(request, timeout: .seconds(30))
      body = Array(try await response.body.collect(upTo: 64 * 1024).readableBytesView)
    } catch let error as AuthenticationError {
      throw AuthenticationError(
        "the source credentials (\(sourceDescription)) got no token: \(error.message)", isTransient: error.isTransient)
    } catch {
      throw AuthenticationError("IAM Credentials (\(impersonation.url)) did not answer: \(error)", isTransient: true)
    }
    guard response.status == .ok else { throw refusal(status: Int(response.status.code), body: body) }
    let answer = try GeneratedAccessToken(json: body, serviceAccount: impersonation.target)
    return try answer.accessToken(serviceAccount: impersonation.target)
  }

  /// What IAM Credentials' refusal means, and what to change.
  private func refusal(status: Int, body: [UInt8]) -> AuthenticationError {
    let google = GoogleAPIError(service: .oauth, httpStatus: status, body: body)
    let said = "IAM Credentials answered \(status)\(google.status.map { " \($0)" } ?? ""): \(google.message)"
    let target = impersonation.target
    let hint: String
    switch status {
    case 403 where google.message.contains("iamcredentials.googleapis.com") || google.status == "SERVICE_DISABLED":
      hint = "enable the IAM Service Account Credentials API (iamcredentials.googleapis.com) in the project of \(sourceDescription)"
    case 403:
      let chain = ([sourceDescription] + impersonation.delegates + [target]).joined(separator: " → ")
      hint =
        impersonation.delegates.isEmpty
        ? "grant \(sourceDescription) the Service Account Token Creator role (roles/iam.serviceAccountTokenCreator) on \(target)"
        : "each account in \(chain) needs the Service Account Token Creator role (roles/iam.serviceAccountTokenCreator) on the next"
    case 404:
      hint = "check the service account's email: \(target) does not exist, or was deleted"
    case 401:
      hint = "the source credentials (\(sourceDescription)) were refused; renew them (gcloud auth application-default login)"
    case 400:
      hint = "check the service account \(target) and its delegates"
    default:
      hint = "a passing failure, asked again with backoff"
    }
    return .answered(status, "cannot act as \(target): \(said); \(hint)")
  }
}
