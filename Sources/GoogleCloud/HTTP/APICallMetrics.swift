import AsyncHTTPClient
public import CoreMetrics
import Toolbox

/// How long each Google API call took, as a histogram by service, method and HTTP status
/// (`mediabatch_google_api_request_duration_seconds`), into the metrics factory it is given.
public final class APICallMetrics: Sendable {
  static let label = "mediabatch_google_api_request_duration_seconds"

  private let factory: any MetricsFactory
  private let timers = KeyedCache<Timer>()

  public init(factory: any MetricsFactory) {
    self.factory = factory
  }

  func record(_ request: HTTPClientRequest, status: String, since start: ContinuousClock.Instant) {
    let (service, method) = Self.classify(request.url)
    let timer = timers.value(for: service + "|" + method + "|" + status) {
      Timer(label: Self.label, dimensions: [("service", service), ("method", method), ("status", status)], factory: factory)
    }
    timer.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
  }

  /// The service and the API method a URL calls, in the API's own names (few distinct values: labels stay cheap).
  static func classify(_ url: String) -> (service: String, method: String) {
    let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    let query = url.contains("?") ? String(url.split(separator: "?", maxSplits: 1)[1]) : ""
    if path.contains("/storage/v1/b/") {
      let rest = path.components(separatedBy: "/storage/v1/b/")[1]
      let parts = rest.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
      if parts.count == 1 { return ("storage", "buckets.get") }
      if parts.count == 2 || parts[2].isEmpty { return ("storage", "objects.list") }
      let media = path.contains("/download/storage/") || query.split(separator: "&").contains("alt=media")
      return ("storage", media ? "objects.get.media" : "objects.get")
    }
    if path.contains("/databases/") {
      if let colon = path.lastIndex(of: ":"), !path[colon...].contains("/") { return ("firestore", String(path[path.index(after: colon)...])) }
      return ("firestore", "get")
    }
    if path.contains("iamcredentials") || path.hasSuffix(":generateAccessToken") { return ("iamcredentials", "generateAccessToken") }
    if path.contains("computeMetadata") { return ("metadata", path.hasSuffix("/token") ? "token" : "get") }
    if path.hasSuffix("/token") { return ("oauth", "token") }
    return ("other", "other")
  }
}
