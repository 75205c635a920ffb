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
  /// Large objects fetched as parallel slices; `nil` fetches every object as one stream.
  public var slicing: Slicing? = Slicing()

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

  /// Whether the user filter takes `user` (a shard's users are chosen by its listing, not here).
  func includes(_ user: SourceUser) -> Bool {
    guard let users else { return true }
    return users.contains(user.id) || user.email.map(users.contains) == true
  }

  func includes(_ kind: MediaKind) -> Bool {
    kinds?.contains(kind) ?? true
  }
}

/// When and how an object is fetched as parallel `Range` slices into one file (as `gcloud storage` does): a single
/// stream is bound by one connection's window and one core's checksumming; slices are not.
public struct Slicing: Sendable, Hashable {
  /// Objects of at least this many bytes are sliced.
  public var threshold: Int64
  /// Slices per object, at most.
  public var maximumSlices: Int
  /// A slice is never smaller than this (an object just over the threshold gets fewer slices).
  public var minimumSliceSize: Int64

  public init(threshold: Int64 = 64 << 20, maximumSlices: Int = 8, minimumSliceSize: Int64 = 8 << 20) {
    self.threshold = max(1, threshold)
    self.maximumSlices = max(1, maximumSlices)
    self.minimumSliceSize = max(1, minimumSliceSize)
  }

  /// The byte ranges of an object of `size` bytes, in order, covering it exactly; one range when it is not sliced.
  public func slices(of size: Int64) -> [Range<Int64>] {
    guard size >= threshold, size > 0 else { return [0..<size] }
    let count = Int(min(Int64(maximumSlices), max(1, size / minimumSliceSize)))
    let step = (size + Int64(count) - 1) / Int64(count)
    return stride(from: Int64(0), to: size, by: Int(step)).map { $0..<min(size, $0 + step) }
  }
}
