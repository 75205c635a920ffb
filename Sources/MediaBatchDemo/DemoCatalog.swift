public import MediaBatchCore
import Toolbox

/// The demo data set: deterministic users and media, generated on demand from an index.
///
/// Any user or object can be produced in isolation, so a source of 100,000 users holds one at a time and the store
/// regenerates an object's bytes from its name alone.
public struct DemoCatalog: Sendable, Hashable {
  public static let bucket = "demo-media.firebasestorage.app"

  public var userCount: Int
  public var includesEdgeCases: Bool

  public init(userCount: Int, includesEdgeCases: Bool) {
    self.userCount = max(0, userCount)
    self.includesEdgeCases = includesEdgeCases
  }

  /// Every user in order: the regular users, then the edge cases.
  public var totalUsers: Int { userCount + (includesEdgeCases ? DemoEdgeCases.users.count : 0) }

  public func user(at index: Int) -> SourceUser {
    if index >= userCount { return DemoEdgeCases.users[index - userCount].user }
    let plan = DemoUserPlan(index: index)
    return SourceUser(id: plan.id, email: plan.email, items: plan.items.map(\.item))
  }

  /// The content behind an object name, or `nil` when the catalog has no such object.
  func content(for location: ObjectLocation) -> DemoContent? {
    guard location.bucket == Self.bucket else { return nil }
    if let content = DemoEdgeCases.objects[location.object] {
      return includesEdgeCases ? content : nil
    }
    // users/<index>/<kind>/<item>-<token>.<ext>
    let parts = location.object.split(separator: "/")
    guard parts.count == 4, parts[0] == "users", let index = Int(parts[1]), index >= 0, index < userCount,
      let itemIndex = parts[3].split(separator: "-").first.flatMap({ Int($0) })
    else { return nil }
    let plan = DemoUserPlan(index: index)
    guard itemIndex >= 0, itemIndex < plan.items.count, plan.items[itemIndex].item.location == location else { return nil }
    return plan.items[itemIndex].content
  }
}

/// One regular demo user, derived from its index.
struct DemoUserPlan {
  struct PlannedItem {
    var item: MediaItem
    var content: DemoContent
  }

  var id: String
  var email: String
  var items: [PlannedItem] = []

  private static let firstNames = [
    "ada", "alan", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances", "edsger", "radia", "tim",
    "hedy", "john", "katherine", "niklaus", "sophie", "guido", "anita", "leslie",
  ]
  private static let lastNames = [
    "lovelace", "turing", "hopper", "torvalds", "hamilton", "thompson", "liskov", "ritchie", "allen", "dijkstra",
    "perlman", "berners-lee", "lamarr", "backus", "johnson", "wirth", "wilson", "van.rossum", "borg", "lamport",
  ]
  private static let domains = ["example.com", "example.org", "mail.example.net"]

  init(index: Int) {
    var rng = SplitMix64(seed: 0x6D65_6469_6162_6174 ^ UInt64(index) &* 0x9E37_79B9)
    id = rng.token(length: 20)
    let first = Self.firstNames[Int(rng.next() % UInt64(Self.firstNames.count))]
    let last = Self.lastNames[Int(rng.next() % UInt64(Self.lastNames.count))]
    let domain = Self.domains[Int(rng.next() % UInt64(Self.domains.count))]
    email = "\(first).\(last)\(index)@\(domain)"

    let imageCount = Int(rng.next() % 6)
    let voiceCount = Int(rng.next() % 4)
    let baseTime = 1_704_067_200 + Int(rng.next() % 60_000_000)
    for n in 0..<(imageCount + voiceCount) {
      let isImage = n < imageCount
      let seed = rng.next()
      let content: DemoContent =
        isImage
        ? .image(width: 32 + Int(rng.next() % 225), height: 32 + Int(rng.next() % 161), seed: seed)
        : .voice(milliseconds: 300 + Int(rng.next() % 2_200), seed: seed)
      let itemId = rng.token(length: 20)
      let created = baseTime + n * 3_600 + Int(rng.next() % 3_000)
      let kind: MediaKind = isImage ? .images : .voices
      let ext = isImage ? "png" : "wav"
      let name =
        isImage
        ? (n % 3 == 2 ? "Screenshot \(CivilTime.day(created)) at \(CivilTime.clock(created)).png" : "IMG_\(CivilTime.compact(created)).png")
        : "voice-note-\(n - imageCount + 1).wav"
      let location = ObjectLocation(bucket: DemoCatalog.bucket, object: "users/\(index)/\(kind.name)/\(n)-\(itemId).\(ext)")
      var metadata: [String: FieldValue] = [
        "storagePath": .string(location.object),
        "originalName": .string(name),
        "contentType": .string(content.contentType),
        "size": .integer(content.size),
        "createdAt": .timestamp(CivilTime.rfc3339(created)),
        "ownerId": .string(id),
      ]
      switch content {
      case .image(let width, let height, _):
        metadata["width"] = .integer(Int64(width))
        metadata["height"] = .integer(Int64(height))
      case .voice(let milliseconds, _):
        metadata["durationMs"] = .integer(Int64(milliseconds))
      default: break
      }
      let item = MediaItem(
        id: itemId,
        kind: kind,
        location: location,
        originalName: name,
        contentType: content.contentType,
        declaredSize: content.size,
        metadata: metadata
      )
      items.append(PlannedItem(item: item, content: content))
    }
  }
}
