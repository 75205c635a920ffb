public import AsyncHTTPClient
public import NIOCore

/// Sends requests to one Google API with the right authorization: a cached OAuth token (refreshed once when the
/// server answers 401), a fixed header (the Firestore emulator's `Bearer owner`), or none (the storage emulator).
public struct GoogleHTTP: Sendable {
  public enum Authorization: Sendable {
    case none
    case fixed(String)
    case tokens(TokenCache)
  }

  public let client: HTTPClient
  public let authorization: Authorization
  /// Sent as `x-goog-user-project`: the project billed and charged quota for the calls (the billing project, else
  /// the quota project of user credentials).
  public let userProject: String?

  /// Where each call's time is recorded; `nil` records nothing (and costs nothing).
  let metrics: APICallMetrics?

  public init(client: HTTPClient, authorization: Authorization, userProject: String? = nil, metrics: APICallMetrics? = nil) {
    self.client = client
    self.authorization = authorization
    self.userProject = userProject
    self.metrics = metrics
  }

  /// Sends `request`; a 401 with an OAuth token is answered by refreshing the token and sending once more. The time
  /// to the answer's headers is recorded by service, method and status.
  public func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
    guard let metrics else { return try await send(request, timeout: timeout) }
    let started = ContinuousClock.now
    do {
      let response = try await send(request, timeout: timeout)
      metrics.record(request, status: String(response.status.code), since: started)
      return response
    } catch {
      metrics.record(request, status: "error", since: started)
      throw error
    }
  }

  private func send(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
    var request = request
    if let userProject { request.headers.replaceOrAdd(name: "x-goog-user-project", value: userProject) }
    switch authorization {
    case .none:
      return try await client.execute(request, timeout: timeout)
    case .fixed(let value):
      request.headers.replaceOrAdd(name: "Authorization", value: value)
      return try await client.execute(request, timeout: timeout)
    case .tokens(let cache):
      let token = try await cache.token()
      request.headers.replaceOrAdd(name: "Authorization", value: "Bearer " + token)
      let response = try await client.execute(request, timeout: timeout)
      guard response.status == .unauthorized else { return response }
      // Drain the refused answer so its connection can be reused, then try once with a new token.
      _ = try? await response.body.collect(upTo: 64 * 1024)
      let fresh = try await cache.token(rejected: token)
      request.headers.replaceOrAdd(name: "Authorization", value: "Bearer " + fresh)
      return try await client.execute(request, timeout: timeout)
    }
  }
}
