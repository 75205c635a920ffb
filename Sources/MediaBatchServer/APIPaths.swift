/// The API's paths, in one place: routing, authentication and the dashboard fallback all agree on them.
enum APIPaths {
  static let start = "/batch-process-users"
  static let status = "/batch-process-status"
  static let results = "/batch-process-results"
  static let stop = "/batch-process-stop"
  static let events = "/batch-process-events"
  static let jobs = "/jobs"
  static let health = "/healthz"
  static let metrics = "/metrics"
  static let openAPI = "/openapi.yaml"

  /// Path prefixes that belong to the API: never answered with the dashboard page.
  static let prefixes = ["/batch-process", "/jobs", "/healthz", "/api/", "/metrics", "/openapi"]

  static func isAPI(_ path: String) -> Bool {
    prefixes.contains { path == $0 || path.hasPrefix($0) }
  }

  /// Everything of the API but the health check needs the token when one is set.
  static func requiresToken(_ path: String) -> Bool {
    isAPI(path) && path != health
  }
}
