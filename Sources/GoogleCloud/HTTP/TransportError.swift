/// A request that got no HTTP answer: refused, reset, timed out. Always worth retrying.
public struct TransportError: Error, Sendable, CustomStringConvertible {
  public var url: String
  public var underlying: String

  init(url: String, _ error: any Error) {
    self.url = url
    self.underlying = String(describing: error)
  }

  public var description: String { "no answer from \(url): \(underlying)" }
}
