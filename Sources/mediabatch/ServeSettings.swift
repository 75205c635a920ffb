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
    func number(_ name: String, _ what: String) throws -> Int? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      guard let value = Int(text) else { throw ValidationError("\(name) must be \(what), not \"\(text)\"") }
      return value
    }
    let environmentHosts = (environment["MEDIABATCH_ALLOWED_HOSTS"] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }
    let configuration = ServerConfiguration(
      host: host ?? environment["MEDIABATCH_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
      port: try port ?? number("MEDIABATCH_PORT", "a port number") ?? 8000,
      apiToken: environment["MEDIABATCH_API_TOKEN"],
      allowedHosts: allowedHosts.isEmpty ? environmentHosts.filter { !$0.isEmpty } : allowedHosts,
      maxEventStreams: try maxEventStreams ?? number("MEDIABATCH_MAX_EVENT_STREAMS", "a number") ?? 64
    )
    do {
      try configuration.validate()
    } catch {
      throw ValidationError(error.description)
    }
    return configuration
  }
}
