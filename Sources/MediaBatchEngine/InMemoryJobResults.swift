public import MediaBatchCore

/// Job history and per-user results kept in memory, for the life of the process.
public actor InMemoryJobResults: JobResultsSink {
  /// Which user results to keep.
  public enum Retention: Sendable {
    /// Every user of the most recent jobs (the API pages through them).
    case allUsers
    /// Only users that did not succeed (enough for a CLI's failure report).
    case unsuccessfulUsers
  }

  public struct Page: Sendable {
    public var users: [UserResult]
    public var nextCursor: String?
  }

  private let retention: Retention
  private let jobsWithUsersKept: Int
  private let jobsKept: Int
  private var jobs: [JobSummary] = []
  private var usersByJob: [String: [UserResult]] = [:]

  public init(retention: Retention = .allUsers, jobsWithUsersKept: Int = 3, jobsKept: Int = 100) {
    self.retention = retention
    self.jobsWithUsersKept = max(1, jobsWithUsersKept)
    self.jobsKept = max(1, jobsKept)
  }

  // MARK: - JobResultsSink

  public func jobStarted(_ job: JobSummary) {
    jobs.removeAll { $0.jobId == job.jobId }
    jobs.insert(job, at: 0)
    if jobs.count > jobsKept { jobs.removeLast(jobs.count - jobsKept) }
    usersByJob[job.jobId] = []
    let keep = Set(jobs.prefix(jobsWithUsersKept).map(\.jobId))
    usersByJob = usersByJob.filter { keep.contains($0.key) }
  }

  public func userFinished(jobId: String, _ result: UserResult, outcomes: [ItemOutcome]) {
    if retention == .unsuccessfulUsers, result.status == .succeeded { return }
    usersByJob[jobId]?.append(result)
  }

  public func jobFinished(_ job: JobSummary) {
    if let index = jobs.firstIndex(where: { $0.jobId == job.jobId }) {
      jobs[index] = job
    } else {
      jobs.insert(job, at: 0)
    }
  }

  // MARK: - Queries

  /// Jobs, newest first.
  public func history() -> [JobSummary] { jobs }

  public func job(_ id: String) -> JobSummary? { jobs.first { $0.jobId == id } }

  /// A page of a job's user results in the order they finished. The cursor is an opaque position.
  public func users(of jobId: String, status: UserResult.Status? = nil, cursor: String? = nil, limit: Int = 100) -> Page {
    let all = usersByJob[jobId] ?? []
    var index = cursor.flatMap(Int.init).map { max(0, $0) } ?? 0
    var page: [UserResult] = []
    while index < all.count, page.count < limit {
      if status == nil || all[index].status == status { page.append(all[index]) }
      index += 1
    }
    // Look ahead for one more match, so the last page says it is the last.
    var next = index
    while next < all.count, status != nil, all[next].status != status { next += 1 }
    return Page(users: page, nextCursor: next < all.count ? String(next) : nil)
  }
}
