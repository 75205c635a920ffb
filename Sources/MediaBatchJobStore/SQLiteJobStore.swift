import Foundation
import GRDB
public import Logging
public import MediaBatchCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The job store in SQLite: `<output>/.mediabatch/state.sqlite` beside the export (WAL mode), or in memory.
///
/// Jobs append records to an in-memory batch without waiting; `checkpoint` writes the batch in one transaction.
/// Before a batch that says files are complete is committed, the file system holding them is flushed (`syncfs`), so
/// a record never claims a file that a power loss could still take away: one flush per batch, none per file.
public final class SQLiteJobStore: JobStore {
  /// Why the store could not be opened.
  public struct OpenError: Error, CustomStringConvertible {
    public var description: String
  }

  /// The database file; `nil` in memory.
  public let path: String?
  let writer: any DatabaseWriter
  let syncDirectory: String?
  let logger: Logger
  private let pending = Mutex(Batch())

  struct Batch {
    var items: [FinishedItem] = []
    var partials: [PartialTransfer] = []
    var users: [(jobId: String, result: UserResult)] = []
    var manifests: [ManifestRecord] = []
    var isEmpty: Bool { items.isEmpty && partials.isEmpty && users.isEmpty && manifests.isEmpty }
  }

  /// The path of an output folder's store, when its state lives in the folder's `.mediabatch`.
  public static func path(outputRoot: String) -> String {
    path(stateDirectory: outputRoot + "/" + OutputLayout.stateFolderName)
  }

  /// The path of the store in a state folder.
  public static func path(stateDirectory: String) -> String { stateDirectory + "/state.sqlite" }

  /// Opens (creating and migrating as needed) the store in `stateDirectory` of the output folder `outputRoot`.
  public static func open(stateDirectory: String, outputRoot: String, logger: Logger) throws -> SQLiteJobStore {
    try SQLiteJobStore(path: path(stateDirectory: stateDirectory), syncing: outputRoot, logger: logger)
  }

  /// Opens the database at `path`. `syncing` names a folder on the file system whose files the records describe.
  public init(path: String, syncing syncDirectory: String?, logger: Logger) throws {
    let directory = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // SQLite follows links: the database and its companions must be what they seem, in a real folder.
    for candidate in [directory, path, path + "-wal", path + "-shm"] {
      var info = stat()
      guard lstat(candidate, &info) == 0 else { continue }
      let type = info.st_mode & S_IFMT
      guard type == (candidate == directory ? S_IFDIR : S_IFREG) else {
        throw OpenError(
          description: "\(candidate) is a symbolic link or not a \(candidate == directory ? "folder" : "file"): the job store is "
            + "kept only in a real folder of the output folder; remove it and run again")
      }
    }
    var configuration = Configuration()
    configuration.busyMode = .timeout(10)
    // Reads are few (one user's records at a time, the API's pages): two connections are plenty, and each has its
    // own page cache.
    configuration.maximumReaderCount = 2
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }
    let pool: DatabasePool
    do {
      pool = try DatabasePool(path: path, configuration: configuration)
    } catch {
      throw OpenError(
        description: "the job store \(path) cannot be opened: \(error). The exported files do not depend on it: "
          + "move it away to start a new history (the next run checks every file against the store)."
      )
    }
    self.path = path
    self.writer = pool
    self.syncDirectory = syncDirectory
    self.logger = logger
    self.keepsOnlyProblems = false
    do {
      try migrate()
    } catch let error as OpenError {
      throw error
    } catch {
      throw OpenError(
        description: "the job store \(path) cannot be read: \(error). The exported files do not depend on it: "
          + "move it away to start a new history (the next run checks every file against the store)."
      )
    }
  }

  /// A store that lives as long as the process: for dry runs and tests. With `keepingOnlyProblems`, it keeps only
  /// the users and items that did not succeed, so that memory does not grow with the size of the export.
  public init(inMemoryWith logger: Logger, keepingOnlyProblems: Bool = false) throws {
    path = nil
    writer = try DatabaseQueue()
    syncDirectory = nil
    self.logger = logger
    self.keepsOnlyProblems = keepingOnlyProblems
    try migrate()
  }

  let keepsOnlyProblems: Bool

  private func migrate() throws {
    let migrator = JobStoreSchema.migrator
    let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
    if superseded {
      throw OpenError(
        description: "the job store \(path ?? "in memory") was written by a newer MediaBatch (schema newer than "
          + "\(JobStoreSchema.currentVersion)); it is left unchanged. Use that version, or another output folder."
      )
    }
    do {
      try migrator.migrate(writer)
    } catch {
      throw OpenError(description: "the job store \(path ?? "in memory") cannot be migrated: \(error)")
    }
  }

  // MARK: - Interrupted jobs

  /// Jobs the store still shows as running, now marked `interrupted`: their process died without finishing them.
  /// Call once the output folder's lock is held, when no other process can be running a job here.
  public func markInterruptedJobs() throws -> [JobSummary] {
    try writer.write { db in
      let running = JobRow.filter([JobStatus.processing.rawValue, JobStatus.stopping.rawValue].contains(JobRow.Columns.status))
      let jobs = try running.order(Column.rowID).fetchAll(db)
      try running.updateAll(db, JobRow.Columns.status.set(to: JobStatus.interrupted.rawValue), JobRow.Columns.finishedAt.set(to: JobRow.Columns.updatedAt))
      return jobs.map { row in
        var job = row.summary
        job.status = .interrupted
        job.finishedAt = Date(timeIntervalSince1970: row.updatedAt)
        return job
      }
    }
  }

  // MARK: - JobStore: recording

  public func jobStarted(_ job: JobSummary) async {
    await write("job \(job.jobId) started") { db in
      try JobRow(starting: job).insert(db)
      // Per-user and per-item results are kept for the most recent jobs; the jobs themselves for good.
      let kept = JobRow.select(JobRow.Columns.id).order(Column.rowID.desc).limit(Self.jobsWithResultsKept)
      try ItemRow.filter(!kept.contains(ItemRow.Columns.jobId)).deleteAll(db)
      try UserRow.filter(!kept.contains(UserRow.Columns.jobId)).deleteAll(db)
    }
  }

  static let jobsWithResultsKept = 20

  public func transferStarted(_ transfer: PartialTransfer) {
    pending.withLock { $0.partials.append(transfer) }
  }

  public func itemFinished(_ item: FinishedItem) {
    if keepsOnlyProblems, item.outcome.status != .failed, item.outcome.status != .cancelled { return }
    pending.withLock { $0.items.append(item) }
  }

  public func userFinished(jobId: String, _ result: UserResult) {
    if keepsOnlyProblems, result.status == .succeeded { return }
    pending.withLock { $0.users.append((jobId, result)) }
  }

  public func manifestWritten(_ manifest: ManifestRecord) {
    pending.withLock { $0.manifests.append(manifest) }
  }

  public func checkpoint(_ job: JobSummary) async throws(JobStoreWriteError) {
    // The batch is taken on the writer's queue, so batches land in order; a batch whose transaction fails (or whose
    // commit does) goes back in front of what has been buffered since, for the next checkpoint.
    let taken = Mutex<Batch?>(nil)
    do {
      try await writer.write { db in
        let batch = self.takePending()
        taken.withLock { $0 = batch }
        try self.write(batch, db)
        try Self.updateTotals(job, db)
      }
    } catch {
      if let batch = taken.withLock({ $0 }) { restorePending(batch) }
      let full = (error as? DatabaseError)?.resultCode == .SQLITE_FULL
      // A checkpoint cancelled as the job ends is no failure: its batch goes into the final one.
      if !(error is CancellationError) {
        logger.error("job store write failed", metadata: ["mediabatch.job.id": "\(job.jobId)", "error": "\(error)"])
      }
      throw JobStoreWriteError("the job store \(path ?? "in memory") could not be written: \(error)", isDiskFull: full)
    }
  }

  /// The last checkpoint, with the job's final state.
  public func jobFinished(_ job: JobSummary) async throws(JobStoreWriteError) {
    try await checkpoint(job)
  }

  private func takePending() -> Batch {
    pending.withLock { batch in
      defer { batch = Batch() }
      return batch
    }
  }

  private func restorePending(_ batch: Batch) {
    pending.withLock { pending in
      pending.items = batch.items + pending.items
      pending.partials = batch.partials + pending.partials
      pending.users = batch.users + pending.users
      pending.manifests = batch.manifests + pending.manifests
    }
  }

  /// Runs a write transaction; a failure is logged, never thrown into the export (its files are still verified and
  /// described by the manifests; only the record is missing, and the next job checks those files again).
  private func write(_ what: String, _ updates: @escaping @Sendable (Database) throws -> Void) async {
    do {
      try await writer.write(updates)
    } catch {
      logger.error("job store write failed", metadata: ["mediabatch.store.write": "\(what)", "error": "\(error)"])
    }
  }

  /// Makes every file written so far durable before the records that describe them are: one `syncfs` of the file
  /// system the output folder is on.
  func flushFileSystem() {
    guard let syncDirectory else { return }
    #if os(Linux)
      let fd = Glibc.open(syncDirectory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard fd >= 0 else { return }
      defer { _ = Glibc.close(fd) }
      if systemSyncfs(fd) != 0 { Glibc.sync() }
    #else
      Darwin.sync()
    #endif
  }

}

#if os(Linux)
  @_silgen_name("syncfs")
  private func systemSyncfs(_ fd: Int32) -> Int32
#endif
