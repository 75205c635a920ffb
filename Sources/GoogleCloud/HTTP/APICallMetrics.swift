import AsyncHTTPClient
import CoreMetrics
import Synchronization

/// How long each Google API call took, as a histogram by service, method and HTTP status
/// (`mediabatch_google_api_request_duration_seconds`), through the process's metrics system: nothing is recorded
/// until the program bootstraps one.
enum APICallMetrics {
  static let label = "mediabatch_google_api_request_duration_seconds"

  private static let timers = Mutex<[String: Timer]>([:])

  static func record(_ request: HTTPClientRequest, status: String, since start: ContinuousClock.Instant) {
    let (service, method) = classify(request.url)
    let key = service + "|" + method + "|" + status
    let timer = timers.withLock { timers in
      if let timer = timers[key] { return timer }
      let timer = Timer(label: label, dimensions: [("service", service), ("method", method), ("status", status)])
      timers[key] = timer
      return timer
    }
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
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
