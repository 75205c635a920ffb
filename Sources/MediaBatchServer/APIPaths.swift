/// The API's paths, in one place.
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
  static let exportedUsers = "/exports/users"
}
