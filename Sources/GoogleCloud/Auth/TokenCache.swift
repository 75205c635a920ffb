public import AsyncHTTPClient
import Toolbox

/// Holds the current access token and refreshes it before it expires. When many downloads need a token at the moment
/// it expires, one of them fetches it and the others wait for that answer: no stampede on the token endpoint.
public actor TokenCache {
  private let source: any AccessTokenSource
  private let http: HTTPClient
  /// How a busy or unreachable token endpoint is asked again: only transient failures are retried.
  var retries = RetrySchedule(maximumAttempts: 6, backoff: Backoff(initialDelay: .milliseconds(250), maximumDelay: .seconds(8)))
  private var current: AccessToken?
  private var waiters: [CheckedContinuation<String, any Error>] = []
  private var isRefreshing = false
  /// How many tokens were fetched; for tests and diagnostics.
  public private(set) var fetchCount = 0
  /// How many callers are waiting for a refresh in progress.
  public var waitingCount: Int { waiters.count }

  public init(source: any AccessTokenSource, http: HTTPClient) {
    self.source = source
    self.http = http
  }

  /// A cache whose retries of a busy token endpoint wait `initialDelay` (for tests: zero).
  public init(source: any AccessTokenSource, http: HTTPClient, retryDelay initialDelay: Duration) {
    self.source = source
    self.http = http
    self.retries.backoff = Backoff(initialDelay: initialDelay, maximumDelay: max(initialDelay, .milliseconds(1)))
  }

  /// A valid token. `rejected` is a token the server just refused: a newer one is fetched unless another caller has
  /// already replaced it.
  public func token(rejected: String? = nil) async throws -> String {
    if let current, current.isFresh(at: .now), current.value != rejected {
      return current.value
    }
    if isRefreshing {
      return try await withCheckedThrowingContinuation { waiters.append($0) }
    }
    isRefreshing = true
    do {
      let token = try await fetchRetryingTransientFailures()
      current = token
      finishRefresh(.success(token.value))
      return token.value
    } catch {
      finishRefresh(.failure(error))
      throw error
    }
  }

  /// Fetches a token, asking again (with backoff) while the endpoint is busy or out of reach.
  private func fetchRetryingTransientFailures() async throws -> AccessToken {
    var attempt = 0
    while true {
      attempt += 1
      fetchCount += 1
      do {
        return try await source.fetchToken(using: http)
      } catch let error as AuthenticationError where error.isTransient && attempt < retries.maximumAttempts {
        try await Task.sleep(for: retries.backoff.delay(afterAttempt: attempt))
      }
    }
  }

  private func finishRefresh(_ result: Result<String, any Error>) {
    isRefreshing = false
    let waiting = waiters
    waiters.removeAll()
    for waiter in waiting { waiter.resume(with: result) }
  }
}
