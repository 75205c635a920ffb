import Foundation
public import MediaBatchCore
import Synchronization

/// The job store and history kept in memory, with the SQLite store's rules: records are buffered until a checkpoint,
/// a file is known once a record with its stamp lands, a partial transfer is forgotten when its item ends, listings
/// page in the order records landed, and per-user and per-item results are kept for the most recent 20 jobs.
///
/// For engine and API tests that are about the engine or the API, not the database.
public final class InMemoryJobStore: JobStore, JobHistory {
  private struct Tables {
    var jobs: [JobSummary] = []
    var users: [(jobId: String, result: UserResult)] = []
    var items: [FinishedItem] = []
    /// By folder, then `kind/id`.
    var files: [String: [String: (outcome: ItemOutcome, stamp: FileStamp, jobId: String)]] = [:]
    /// By folder, then the final file's relative path.
    var partials: [String: [String: PartialTransfer]] = [:]
    /// By folder.
    var manifests: [String: ManifestRecord] = [:]
    /// Rows deleted from the front of `users` and `items` so far, so cursors stay positions in the whole sequence.
    var droppedUsers = 0
    var droppedItems = 0
  }

  private struct Pending {
    var partials: [PartialTransfer] = []
    var items: [FinishedItem] = []
    var users: [(String, UserResult)] = []
    var manifests: [ManifestRecord] = []
  }

  private let tables = Mutex(Tables())
  private let pending = Mutex(Pending())
  private static let jobsWithResultsKept = 20

  public init() {}

  // MARK: - JobStore

  public func jobStarted(_ job: JobSummary) async {
    tables.withLock { tables in
      tables.jobs.append(job)
      let kept = Set(tables.jobs.suffix(Self.jobsWithResultsKept).map(\.jobId))
      let users = tables.users.count
      let items = tables.items.count
      tables.users.removeAll { !kept.contains($0.jobId) }
      tables.items.removeAll { !kept.contains($0.jobId) }
      tables.droppedUsers += users - tables.users.count
      tables.droppedItems += items - tables.items.count
    }
  }

  public func transferStarted(_ transfer: PartialTransfer) {
    pending.withLock { $0.partials.append(transfer) }
  }

  public func itemFinished(_ item: FinishedItem) {
    pending.withLock { $0.items.append(item) }
  }

  public func userFinished(jobId: String, _ result: UserResult) {
    pending.withLock { $0.users.append((jobId, result)) }
  }

  public func manifestWritten(_ manifest: ManifestRecord) {
    pending.withLock { $0.manifests.append(manifest) }
  }

  public func checkpoint(_ job: JobSummary) async throws(JobStoreWriteError) {
    let batch = pending.withLock { pending in
      defer { pending = Pending() }
      return pending
    }
    tables.withLock { tables in
      let finishedPaths = Set(batch.items.compactMap { item in item.outcome.localPath.map { item.folder + "/" + $0 } })
      for transfer in batch.partials where !finishedPaths.contains(transfer.folder + "/" + transfer.relativePath) {
        guard transfer.info.generation != nil else { continue }
        tables.partials[transfer.folder, default: [:]][transfer.relativePath] = transfer
      }
      for finished in batch.items {
        let outcome = finished.outcome
        tables.items.append(finished)
        if let stamp = finished.stamp, outcome.location != nil, outcome.localPath != nil, outcome.crc32c != nil {
          tables.files[finished.folder, default: [:]][outcome.kind.name + "/" + outcome.id] = (outcome, stamp, finished.jobId)
        }
        if let localPath = outcome.localPath { tables.partials[finished.folder]?[localPath] = nil }
      }
      tables.users += batch.users.map { (jobId: $0.0, result: $0.1) }
      for manifest in batch.manifests { tables.manifests[manifest.folder] = manifest }
      if let index = tables.jobs.firstIndex(where: { $0.jobId == job.jobId }) {
        var updated = job
        updated.settings = tables.jobs[index].settings
        tables.jobs[index] = updated
      }
    }
  }

  public func jobFinished(_ job: JobSummary) async throws(JobStoreWriteError) {
    try await checkpoint(job)
  }

  public func knownFiles(folder: String) async -> KnownFiles {
    tables.withLock { tables in
      var known = KnownFiles()
      for (key, file) in tables.files[folder] ?? [:] {
        // What the SQLite store keeps of a file, no more.
        let recorded = file.outcome
        var outcome = ItemOutcome(id: recorded.id, kind: recorded.kind, status: .downloaded)
        outcome.location = recorded.location
        outcome.generation = recorded.generation
        outcome.localPath = recorded.localPath
        outcome.size = file.stamp.size
        outcome.crc32c = recorded.crc32c
        outcome.md5 = recorded.md5
        outcome.contentType = recorded.contentType
        outcome.unverified = recorded.unverified
        outcome.contentEncoding = recorded.contentEncoding
        outcome.storedSize = recorded.storedSize
        let status = tables.jobs.first { $0.jobId == file.jobId }?.status
        let finished = status.map { !$0.isActive && $0 != .interrupted } ?? false
        known.files[key] = .init(outcome: outcome, stamp: file.stamp, recordedByFinishedJob: finished)
      }
      known.partials = tables.partials[folder] ?? [:]
      known.manifest = tables.manifests[folder]
      return known
    }
  }

  public func failedItems(ofJob jobId: String) async -> [String: Set<String>] {
    tables.withLock { tables in
      var failed: [String: Set<String>] = [:]
      for item in tables.items where item.jobId == jobId && (item.outcome.status == .failed || item.outcome.status == .cancelled) {
        failed[item.userId, default: []].insert(item.outcome.kind.name + "/" + item.outcome.id)
      }
      return failed
    }
  }

  // MARK: - JobHistory

  public func jobs(cursor: String?, limit: Int) async throws -> StorePage<JobSummary> {
    // A cursor is the 1-based position of the last job given, counted from the oldest; pages go newest first.
    let before = try cursor.map { cursor throws(InvalidCursor) in try Self.position(cursor) } ?? Int.max
    return tables.withLock { tables in
      let positions = Array(stride(from: min(tables.jobs.count, before - 1), through: 1, by: -1))
      let page = positions.prefix(limit)
      let next = positions.count > limit ? page.last.map(String.init) : nil
      return StorePage(elements: page.map { tables.jobs[$0 - 1] }, nextCursor: next)
    }
  }

  public func job(_ id: String) async throws -> JobSummary? {
    tables.withLock { $0.jobs.first { $0.jobId == id } }
  }

  public func latestJob(withFailures: Bool) async throws -> JobSummary? {
    tables.withLock { tables in
      tables.jobs.last { !withFailures || $0.failedFiles > 0 || $0.cancelledFiles > 0 }
    }
  }

  public func users(
    ofJob jobId: String, status: UserResult.Status?, errorCode: ItemError.Code?, cursor: String?, limit: Int
  ) async throws -> StorePage<UserResult> {
    let after = try Self.position(cursor)
    return tables.withLock { tables in
      var matches: [(position: Int, result: UserResult)] = []
      for (index, row) in tables.users.enumerated() {
        let position = tables.droppedUsers + index + 1
        guard position > after, row.jobId == jobId, status.map({ row.result.status == $0 }) ?? true else { continue }
        if let errorCode {
          let hasCode = tables.items.contains {
            $0.jobId == jobId && $0.userId == row.result.userId && $0.outcome.error?.code == errorCode
          }
          guard hasCode else { continue }
        }
        matches.append((position, row.result))
        if matches.count > limit { break }
      }
      return Self.page(matches, limit: limit)
    }
  }

  public func items(
    ofJob jobId: String, status: ItemOutcome.Status?, errorCode: ItemError.Code?, userId: String?, cursor: String?, limit: Int
  ) async throws -> StorePage<ItemRecord> {
    let after = try Self.position(cursor)
    return tables.withLock { tables in
      var matches: [(position: Int, result: ItemRecord)] = []
      for (index, item) in tables.items.enumerated() {
        let position = tables.droppedItems + index + 1
        guard position > after, item.jobId == jobId else { continue }
        guard status.map({ item.outcome.status == $0 }) ?? true, errorCode.map({ item.outcome.error?.code == $0 }) ?? true,
          userId.map({ item.userId == $0 }) ?? true
        else { continue }
        let record = ItemRecord(
          userId: item.userId, folder: item.folder, outcome: item.outcome, startedAt: item.startedAt, seconds: item.seconds)
        matches.append((position, record))
        if matches.count > limit { break }
      }
      return Self.page(matches, limit: limit)
    }
  }

  public func itemCounts(ofJob jobId: String) async throws -> [ItemOutcome.Status: Int] {
    tables.withLock { tables in
      tables.items.filter { $0.jobId == jobId }.reduce(into: [:]) { $0[$1.outcome.status, default: 0] += 1 }
    }
  }

  private static func page<Element>(_ matches: [(position: Int, result: Element)], limit: Int) -> StorePage<Element> {
    let page = matches.prefix(limit)
    let next = matches.count > limit ? page.last.map { String($0.position) } : nil
    return StorePage(elements: page.map(\.result), nextCursor: next)
  }

  /// A cursor is a position this store handed out; anything else is refused.
  private static func position(_ cursor: String?) throws(InvalidCursor) -> Int {
    guard let cursor else { return 0 }
    guard let position = Int(cursor), position >= 0 else { throw InvalidCursor(cursor: cursor) }
    return position
  }

  public func exportedUsers(matching: String?, cursor: String?, limit: Int) async throws -> StorePage<ExportedUser> {
    let after = try ExportedUser.userId(after: cursor) ?? ""
    let latest = tables.withLock { tables in
      var latest: [String: ExportedUser] = [:]
      for row in tables.users { latest[row.result.userId] = ExportedUser(jobId: row.jobId, result: row.result) }
      return latest
    }
    let users = latest.values
      .filter { user in user.result.userId.utf8.lexicographicallyPrecedes(after.utf8) == false && user.result.userId != after }
      .filter { user in matching.map { $0.isEmpty || user.matches($0) } ?? true }
      .sorted { $0.result.userId.utf8.lexicographicallyPrecedes($1.result.userId.utf8) }
    return StorePage(elements: Array(users.prefix(limit)), nextCursor: users.count > limit ? users[limit - 1].cursor : nil)
  }

  public func exportedUser(_ userId: String) async throws -> ExportedUser? {
    tables.withLock { tables in
      tables.users.last { $0.result.userId == userId }.map { ExportedUser(jobId: $0.jobId, result: $0.result) }
    }
  }
}
