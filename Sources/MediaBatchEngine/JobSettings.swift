public import MediaBatchCore

/// What one job does: which users and kinds, how hard it pulls, whether it writes anything.
public struct JobSettings: Sendable, Hashable {
  /// Downloads in flight at once, across all users.
  public var concurrency: Int
  /// Only these users (document id or email); all when `nil`.
  public var users: Set<String>?
  /// Only the users of this shard; all when `nil`.
  public var shard: Shard?
  /// Only these kinds; all when `nil`.
  public var kinds: Set<MediaKind>?
  /// Plan every file, download none.
  public var dryRun: Bool
  /// Retry only the failed and cancelled items of this earlier job; the users' other files are kept as they are.
  public var retryFailedOf: String?
  /// The interrupted job this one picks up, for the history; every job keeps verified files and resumes partial ones.
  public var resumes: String?
  public var retry: RetryPolicy
  /// How long items in flight may take to finish after a stop before they are abandoned.
  public var stopGracePeriod: Duration
  /// How often a running job publishes a progress snapshot.
  public var progressInterval: Duration
  /// Accept the bytes of an object the store gives no hash for (recorded as unverified) instead of failing the item.
  public var allowUnverified = false
  /// Keep objects stored with `Content-Encoding: gzip` compressed, as stored, instead of decompressing them.
  public var keepGzip = false

  public init(
    concurrency: Int = 32,
    users: Set<String>? = nil,
    kinds: Set<MediaKind>? = nil,
    dryRun: Bool = false,
    retry: RetryPolicy = .default,
    stopGracePeriod: Duration = .seconds(5),
    progressInterval: Duration = .milliseconds(500)
  ) {
    self.concurrency = max(1, concurrency)
    self.users = users
    self.kinds = kinds
    self.dryRun = dryRun
    self.retry = retry
    self.stopGracePeriod = stopGracePeriod
    self.progressInterval = progressInterval
  }

  /// What the history records of these settings.
  public var parameters: JobParameters {
    JobParameters(
      concurrency: concurrency,
      users: users.map { $0.sorted() },
      kinds: kinds.map { $0.map(\.name).sorted() },
      shard: shard.map { "\($0)" },
      dryRun: dryRun,
      retryFailedOf: retryFailedOf,
      resumes: resumes
    )
  }

  func includes(_ user: SourceUser) -> Bool {
    if let shard, !shard.contains(userId: user.id) { return false }
    guard let users else { return true }
    return users.contains(user.id) || user.email.map(users.contains) == true
  }

  func includes(_ kind: MediaKind) -> Bool {
    kinds?.contains(kind) ?? true
  }
}
