/// An item's bytes as a pull-based async sequence of chunks; the consumer's pace is the producer's pace.
public struct ByteStream: AsyncSequence, Sendable {
  public typealias Element = [UInt8]

  private let makeNext: @Sendable () -> Iterator

  /// Wraps any sendable sequence of byte chunks.
  public init<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks) where Chunks.Element == [UInt8] {
    self.makeNext = {
      var iterator = chunks.makeAsyncIterator()
      return Iterator { try await iterator.next() }
    }
  }

  /// Streams bytes already in memory, in chunks of `chunkSize`.
  public init(bytes: [UInt8], chunkSize: Int = 64 * 1024) {
    self.makeNext = {
      var offset = 0
      return Iterator {
        guard offset < bytes.count else { return nil }
        let end = Swift.min(offset + chunkSize, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
      }
    }
  }

  public func makeAsyncIterator() -> Iterator { makeNext() }

  /// Pulls the next chunk; `nil` at the end of the body.
  public struct Iterator: AsyncIteratorProtocol {
    private let pull: () async throws -> [UInt8]?

    init(_ pull: @escaping () async throws -> [UInt8]?) {
      self.pull = pull
    }

    public mutating func next() async throws -> [UInt8]? {
      try await pull()
    }
  }
}
