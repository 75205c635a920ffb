import Toolbox

/// The outcome of one user: how many of its items made it, and the first few errors.
public struct UserResult: Sendable, Hashable, Codable {
  public enum Status: String, Sendable, Codable, Hashable {
    /// Every item is on disk and verified (or planned, in a dry run).
    case succeeded
    /// At least one item failed.
    case failed
    /// The job stopped before every item of this user was finished.
    case stopped
  }

  /// An item error as reported in a user's result.
  public struct ErrorEntry: Sendable, Hashable, Codable {
    public var itemId: String
    public var kind: MediaKind
    public var code: ItemError.Code
    public var message: String

    public init(itemId: String, kind: MediaKind, error: ItemError) {
      self.itemId = itemId
      self.kind = kind
      self.code = error.code
      self.message = error.message
    }

    private enum CodingKeys: String, CodingKey {
      case itemId = "item_id"
      case kind, code, message
    }
  }

  /// How many item errors a result keeps; the manifest keeps them all.
  public static let maximumErrorEntries = 10

  public var userId: String
  public var email: String?
  /// The user's folder name under the output root.
  public var folder: String
  public var status: Status
  public var filesDownloaded: Int
  public var filesSkipped: Int
  public var filesFailed: Int
  public var bytes: Int64
  public var errors: [ErrorEntry]

  public init(
    userId: String,
    email: String?,
    folder: String,
    status: Status,
    filesDownloaded: Int,
    filesSkipped: Int,
    filesFailed: Int,
    bytes: Int64,
    errors: [ErrorEntry]
  ) {
    self.userId = userId
    self.email = email
    self.folder = folder
    self.status = status
    self.filesDownloaded = filesDownloaded
    self.filesSkipped = filesSkipped
    self.filesFailed = filesFailed
    self.bytes = bytes
    self.errors = errors
  }

  /// Summarises a user's item outcomes.
  public init(userId: String, email: String?, folder: String, outcomes: [ItemOutcome]) {
    var downloaded = 0
    var skipped = 0
    var failed = 0
    var cancelled = 0
    var bytes: Int64 = 0
    var errors: [ErrorEntry] = []
    for outcome in outcomes {
      switch outcome.status {
      case .downloaded, .planned: downloaded += 1
      case .skipped: skipped += 1
      case .failed: failed += 1
      case .cancelled: cancelled += 1
      }
      if outcome.status == .downloaded || outcome.status == .skipped { bytes = bytes.saturatingAdding(outcome.size ?? 0) }
      if let error = outcome.error, outcome.status == .failed, errors.count < Self.maximumErrorEntries {
        errors.append(ErrorEntry(itemId: outcome.id, kind: outcome.kind, error: error))
      }
    }
    let status: Status = cancelled > 0 ? .stopped : (failed > 0 ? .failed : .succeeded)
    self.init(
      userId: userId,
      email: email,
      folder: folder,
      status: status,
      filesDownloaded: downloaded,
      filesSkipped: skipped,
      filesFailed: failed,
      bytes: bytes,
      errors: errors
    )
  }

  private enum CodingKeys: String, CodingKey {
    case userId = "user_id"
    case email, folder, status
    case filesDownloaded = "files_downloaded"
    case filesSkipped = "files_skipped"
    case filesFailed = "files_failed"
    case bytes, errors
  }

  /// Every key, always: a user without an email has `"email": null`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(userId, forKey: .userId)
    try container.encode(email, forKey: .email)
    try container.encode(folder, forKey: .folder)
    try container.encode(status, forKey: .status)
    try container.encode(filesDownloaded, forKey: .filesDownloaded)
    try container.encode(filesSkipped, forKey: .filesSkipped)
    try container.encode(filesFailed, forKey: .filesFailed)
    try container.encode(bytes, forKey: .bytes)
    try container.encode(errors, forKey: .errors)
  }
}
