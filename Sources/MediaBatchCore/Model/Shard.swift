/// One of `count` disjoint parts of the users, so several machines (a Cloud Run Job's tasks, a Kubernetes Indexed
/// Job's pods) can split an export. A user belongs to the shard its document id hashes to, the same on every run.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public init?(index: Int, count: Int) {
    guard count >= 1, (0..<count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// Parses `i/n`.
  public init?(_ text: String) {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
    self.init(index: index, count: count)
  }

  public func contains(userId: String) -> Bool {
    // FNV-1a: stable across processes and platforms, unlike `hashValue`.
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in userId.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01B3
    }
    return Int(hash % UInt64(count)) == index
  }

  public var description: String { "\(index)/\(count)" }

  /// `shard-<i>-of-<n>`: the name of the shard's own state folder and run record.
  public var folderName: String { "shard-\(index)-of-\(count)" }
}
