import ArgumentParser
import MediaBatchServer
import Toolbox

/// How `serve` listens: its flags over the environment over the defaults, resolved and checked in one place.
struct ServeSettings {
  var host: String?
  var port: Int?
  var allowedHosts: [String]
  var maxEventStreams: Int?

  func configuration(environment: [String: String]) throws -> ServerConfiguration {
    let variables = EnvironmentValues(variables: environment)
    let environmentHosts = (variables.string("MEDIABATCH_ALLOWED_HOSTS") ?? "").split(separator: ",").map { $0.trimmingWhitespace() }
    let configuration = ServerConfiguration(
      host: host ?? variables.string("MEDIABATCH_HOST") ?? "127.0.0.1",
      port: try port ?? variables.integer("MEDIABATCH_PORT", what: "a port number") ?? 8000,
      apiToken: environment["MEDIABATCH_API_TOKEN"],
      allowedHosts: allowedHosts.isEmpty ? environmentHosts.filter { !$0.isEmpty } : allowedHosts,
      maxEventStreams: try maxEventStreams ?? variables.integer("MEDIABATCH_MAX_EVENT_STREAMS", what: "a number") ?? 64
    )
    do {
      try configuration.validate()
    } catch {
      throw ValidationError(error.description)
    }
    return configuration
  }
}
