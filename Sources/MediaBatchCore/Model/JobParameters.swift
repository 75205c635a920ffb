/// What a job was asked to do, as its history records it.
public struct JobParameters: Sendable, Hashable, Codable {
  public var concurrency: Int
  /// Only these users (document ids or emails); all when `nil`.
  public var users: [String]?
  /// Only these kinds; all when `nil`.
  public var kinds: [String]?
  /// `i/n` when the job is one shard of a larger export.
  public var shard: String?
  public var dryRun: Bool
  /// The job whose failed and cancelled items this one retries, and only those.
  public var retryFailedOf: String?
  /// The interrupted job whose folder this one picks up: completed files are kept, partial downloads resumed.
  public var resumes: String?

  public init(
    concurrency: Int,
    users: [String]? = nil,
    kinds: [String]? = nil,
    shard: String? = nil,
    dryRun: Bool = false,
    retryFailedOf: String? = nil,
    resumes: String? = nil
  ) {
    self.concurrency = concurrency
    self.users = users
    self.kinds = kinds
    self.shard = shard
    self.dryRun = dryRun
    self.retryFailedOf = retryFailedOf
    self.resumes = resumes
  }

  private enum CodingKeys: String, CodingKey {
    case concurrency, users, kinds, shard
    case dryRun = "dry_run"
    case retryFailedOf = "retry_failed_of"
    case resumes
  }
}
