import Synchronization

/// Which `Host` (and `Origin`) a request may name: the loopback names and the address the server listens on, alone or
/// with the port it listens on, and the names given with `--allowed-host`. A page on another site that has made its own name
/// resolve to this machine (DNS rebinding) names its own host, and is refused.
final class HostPolicy: Sendable {
  private static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

  /// Names the server answers to on its own port.
  private let ownNames: Set<String>
  /// `--allowed-host` entries: without a port they match any port.
  private let extraHosts: [HostName]
  /// The port the server listens on; unknown until it is bound when it was asked to pick one.
  private let listeningPort: Mutex<Int?>

  init(configuration: ServerConfiguration) {
    var names = Self.loopbackNames
    let bound = configuration.host.lowercased()
    if !["0.0.0.0", "::", "[::]", ""].contains(bound) {
      names.insert(bound.contains(":") && !bound.hasPrefix("[") ? "[\(bound)]" : bound)
    }
    ownNames = names
    extraHosts = configuration.allowedHosts.compactMap(HostName.init)
    listeningPort = Mutex(configuration.port == 0 ? nil : configuration.port)
  }

  /// Records the port the server was bound to.
  func serverIsListening(on port: Int) {
    listeningPort.withLock { $0 = port }
  }

  /// Whether a request's `Host` is one this server answers to. A request without one comes from no browser (every
  /// browser sends it) and is let through.
  func allowsHost(_ authority: String?) -> Bool {
    guard let authority else { return true }
    guard let name = HostName(authority) else { return false }
    return allows(name, impliedPort: nil)
  }

  /// Whether an `Origin` is this server's own: `http(s)://` and a host it answers to. `null` and other schemes are not.
  func allowsOrigin(_ origin: String) -> Bool {
    let origin = origin.lowercased()
    let scheme: (prefix: String, port: Int)? =
      origin.hasPrefix("http://") ? ("http://", 80) : origin.hasPrefix("https://") ? ("https://", 443) : nil
    guard let scheme, let name = HostName(origin.dropFirst(scheme.prefix.count)) else { return false }
    return allows(name, impliedPort: scheme.port)
  }

  /// `impliedPort`: the port a name without one means (an origin's scheme says it); `nil` for a `Host` without a port,
  /// which a loopback name may have: it comes from no other site.
  private func allows(_ name: HostName, impliedPort: Int?) -> Bool {
    let port = name.port ?? impliedPort
    if extraHosts.contains(where: { $0.host == name.host && ($0.port == nil || $0.port == port) }) { return true }
    guard ownNames.contains(name.host) else { return false }
    guard let port else { return true }
    return listeningPort.withLock { $0.map { $0 == port } ?? true }
  }
}
