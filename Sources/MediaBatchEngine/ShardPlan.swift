import Foundation
import Logging
import MediaBatchCore

/// How an export is cut into shards: split points in the source's listing, or, when the source cannot split it, by
/// hash. Recorded in the output folder (`.mediabatch/shard-plans/<n>.json`) by the first shard that needs it, so every
/// shard and every retry of one cuts at the same points: split points asked for twice may differ, and ranges cut at
/// different points would leave users out or export them twice.
struct ShardPlan: Codable, Sendable, Hashable {
  /// What the split points are positions in (`UserSource.listingIdentity`).
  var listing: String
  var parts: Int
  /// Where the ranges are cut; `nil` when users go to shards by hash.
  var splitPoints: [String]?
  /// Why the listing is not split, when it is not.
  var reason: String?
  var createdAt: Date

  private enum CodingKeys: String, CodingKey {
    case listing, parts, reason
    case splitPoints = "split_points"
    case createdAt = "created_at"
  }

  static func path(root: String, parts: Int) -> String {
    OutputLayout(root: root).stateDirectory + "/shard-plans/\(parts).json"
  }

  /// The plan recorded under `root` for this listing and shard count, else a new one from the source, recorded
  /// when `record` is set (not for a dry run). Throws what the source throws other than `ListingSplitUnavailable`.
  static func resolve(source: some UserSource, parts: Int, root: String, record: Bool, logger: Logger) async throws -> ShardPlan {
    let path = path(root: root, parts: parts)
    if let recorded = read(path) {
      if recorded.listing == source.listingIdentity && recorded.parts == parts { return recorded }
      logger.warning(
        "the shard plan \(path) is for another listing (\(recorded.listing)); this shard cuts its own and does not record it")
      return try await make(source: source, parts: parts)
    }
    let plan = try await make(source: source, parts: parts)
    guard record else { return plan }
    return write(plan, to: path, logger: logger) ?? plan
  }

  private static func make(source: some UserSource, parts: Int) async throws -> ShardPlan {
    do {
      let points = try await source.splitPoints(parts: parts)
      return ShardPlan(listing: source.listingIdentity, parts: parts, splitPoints: points, reason: nil, createdAt: Date())
    } catch let unavailable as ListingSplitUnavailable {
      return ShardPlan(listing: source.listingIdentity, parts: parts, splitPoints: nil, reason: unavailable.reason, createdAt: Date())
    }
  }

  private static func read(_ path: String) -> ShardPlan? {
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    while bytes.count < 64 << 20 {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      guard count > 0 else { break }
      bytes += chunk.prefix(count)
    }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try? decoder.decode(ShardPlan.self, from: Data(bytes))
  }

  /// Records `plan` unless another shard got there first; returns the plan that holds (theirs, then), or `nil` when
  /// it could not be recorded (the caller goes on with its own and says so).
  private static func write(_ plan: ShardPlan, to path: String, logger: Logger) -> ShardPlan? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    guard let data = try? encoder.encode(plan) else { return nil }
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    // Written whole under a temporary name, then linked to its name, which fails if another shard's is there: no
    // reader ever sees half a plan. A file system without links (some bucket mounts) gets an exclusive create.
    let temporary = path + ".\(getpid()).partial"
    defer { unlink(temporary) }
    guard writeWhole(data, to: temporary, flags: O_TRUNC) else { return nil }
    if link(temporary, path) == 0 { return plan }
    let code = errno
    if code == EEXIST { return read(path) }
    if writeWhole(data, to: path, flags: O_EXCL) { return plan }
    if errno == EEXIST { return read(path) }
    logger.warning("the shard plan could not be recorded at \(path) (\(String(cString: strerror(code)))): this shard uses its own")
    return nil
  }

  private static func writeWhole(_ data: Data, to path: String, flags: Int32) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0o644)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    return written == data.count && fsync(fd) == 0
  }
}
