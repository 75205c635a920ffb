/// Where everything goes under the output root, and the rules that keep names distinct.
public struct OutputLayout: Sendable, Hashable {
  /// The output root, an absolute or relative POSIX path without a trailing slash.
  public let root: String

  /// The folder, under the root, that holds MediaBatch's own state.
  public static let stateFolderName = ".mediabatch"
  public static let manifestFileName = "manifest.json"
  /// In every user folder: the id of the user it belongs to, written once, when the folder is first claimed.
  public static let ownerFileName = ".mediabatch-owner"

  public init(root: String) {
    var root = root.isEmpty ? "." : root
    while root.count > 1, root.hasSuffix("/") { root.removeLast() }
    self.root = root
  }

  public func userDirectory(_ folder: String) -> String { root + "/" + folder }

  public func kindDirectory(folder: String, kind: MediaKind) -> String {
    userDirectory(folder) + "/" + Self.kindFolderName(kind)
  }

  /// The path of an item relative to its user folder, e.g. `images/photo.png`.
  public static func relativeItemPath(kind: MediaKind, fileName: String) -> String {
    kindFolderName(kind) + "/" + fileName
  }

  public func itemPath(folder: String, relativePath: String) -> String {
    userDirectory(folder) + "/" + relativePath
  }

  public func manifestPath(folder: String) -> String {
    userDirectory(folder) + "/" + Self.manifestFileName
  }

  public var stateDirectory: String { root + "/" + Self.stateFolderName }

  /// Kind names come from configuration; they are sanitised like any other name.
  public static func kindFolderName(_ kind: MediaKind) -> String {
    NameSanitizer.fileName(kind.name) ?? "kind-\(NameSanitizer.stableSuffix(for: kind.name))"
  }
}

/// Hands out user folder names so that no two users share one. The first user to claim a name keeps it; a later
/// user whose email sanitises to the same name gets a suffix derived from its document id.
public struct UserFolderNames: Sendable {
  private var claimed = ClaimedNames()

  public init() {}

  public mutating func claim(userId: String, email: String?) -> String {
    claimed.claim(Self.baseName(userId: userId, email: email), stableKey: userId, withSuffix: Self.suffixed)
  }

  /// The names a user's folder may have, in the order they are tried: the email rule's name, then that name with
  /// suffixes derived from the user id (the same on every run), the first free one wins.
  public static func candidates(userId: String, email: String?) -> [String] {
    let base = baseName(userId: userId, email: email)
    // Every suffix is a prefix of one digest: hashed once per user, not once per candidate.
    let digest = NameSanitizer.stableDigest(for: userId)
    let suffixes = [8, 16, 64].map { String(digest.prefix($0)) } + (2...64).map { String(digest.prefix(8)) + "-\($0)" }
    return [base] + suffixes.map { suffixed(base, $0) }
  }

  private static func baseName(userId: String, email: String?) -> String {
    email.flatMap(NameSanitizer.folderName(forEmail:))
      ?? NameSanitizer.folderName(forEmail: userId)
      ?? "user-\(NameSanitizer.stableSuffix(for: userId))"
  }

  private static func suffixed(_ base: String, _ suffix: String) -> String {
    NameSanitizer.truncate(base + "-" + suffix, toBytes: 240)
  }
}

/// Hands out file names within one folder so that no two items share one.
public struct ItemFileNames: Sendable {
  private var claimed = ClaimedNames()

  public init() {}

  public mutating func claim(itemId: String, originalName: String?, contentType: String?) -> String {
    let base =
      originalName.flatMap(NameSanitizer.fileName)
      ?? NameSanitizer.fallbackFileName(id: itemId, contentType: contentType)
    return claimed.claim(base, stableKey: itemId) { NameSanitizer.addingSuffix($1, to: $0) }
  }
}

/// The set of names taken in one folder, compared case-insensitively so an export copied to macOS or Windows keeps
/// every file.
struct ClaimedNames: Sendable {
  private var taken: Set<String> = []

  mutating func claim(_ base: String, stableKey: String, withSuffix: (String, String) -> String) -> String {
    if insert(base) { return base }
    // The suffix comes from the id, so the same item gets the same name on every run.
    for length in [8, 16, 64] {
      let candidate = withSuffix(base, NameSanitizer.stableSuffix(for: stableKey, length: length))
      if insert(candidate) { return candidate }
    }
    var counter = 2
    while true {
      let candidate = withSuffix(base, NameSanitizer.stableSuffix(for: stableKey) + "-\(counter)")
      if insert(candidate) { return candidate }
      counter += 1
    }
  }

  private mutating func insert(_ name: String) -> Bool {
    taken.insert(name.lowercased()).inserted
  }
}
