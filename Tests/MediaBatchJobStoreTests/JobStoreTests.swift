import Foundation
import GRDB
import Logging
import MediaBatchCore
import MediaBatchTesting
import Testing

@testable import MediaBatchJobStore

@Suite("SQLite job store", .timeLimit(.minutes(15)))
struct JobStoreTests {
  private static var logger: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
  }

  private static let source = SourceInfo(kind: "demo", description: "test", isDemo: true)

  private static func job(_ id: String, _ status: JobStatus = .processing) -> JobSummary {
    var job = JobSummary(jobId: id, status: status, source: source, dryRun: false, startedAt: Date(timeIntervalSince1970: 1_700_000_000))
    job.settings = JobParameters(concurrency: 8)
    return job
  }

  private static func item(_ job: String, user: String, id: String, status: ItemOutcome.Status, error: ItemError.Code? = nil) -> FinishedItem {
    var outcome = ItemOutcome(
      id: id, kind: .images, status: status, location: ObjectLocation(bucket: "b", object: "\(user)/\(id)"), generation: "1",
      localPath: "images/\(id).png", size: 10, crc32c: "0000abcd"
    )
    if let error { outcome.error = ItemError(error, "\(error) for \(id)") }
    let stamp = status == .downloaded || status == .skipped ? FileStamp(size: 10, modified: 42) : nil
    return FinishedItem(jobId: job, userId: user, folder: user + "_folder", outcome: outcome, stamp: stamp, startedAt: Date(), seconds: 0.5)
  }

  @Test("a database written at schema v1 is migrated: its jobs, items and files are read back, the new columns empty")
  func migratesFromV1() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.appending("state.sqlite")
    // A database as the first schema left it.
    let old = try DatabaseQueue(path: path)
    try JobStoreSchema.migrator.migrate(old, upTo: "v1")
    try await old.write { db in
      try db.execute(
        sql: """
          INSERT INTO jobs (id, status, source_kind, source_description, source_is_demo, dry_run, settings, started_at, updated_at,
            files_downloaded, bytes)
          VALUES ('20250101-000000-0001', 'completed', 'demo', 'old demo', 1, 0, '{"concurrency":4,"dry_run":false}', 1735689600, 1735689700, 1, 10);
          INSERT INTO items (job_id, user_id, folder, kind, item_id, status, bucket, object, generation, local_path, size, crc32c,
            attempts, started_at, seconds)
          VALUES ('20250101-000000-0001', 'u1', 'u1_folder', 'images', 'i1', 'downloaded', 'b', 'u1/i1', '1', 'images/i1.png', 10,
            '0000abcd', 1, 1735689600, 0.1);
          INSERT INTO files (folder, kind, item_id, local_path, bucket, object, generation, size, crc32c, job_id)
          VALUES ('u1_folder', 'images', 'i1', 'images/i1.png', 'b', 'u1/i1', '1', 10, '0000abcd', '20250101-000000-0001');
          """
      )
    }
    try old.close()
    let before = try await DatabaseQueue(path: path).read { try JobStoreSchema.migrator.appliedIdentifiers($0) }
    #expect(before == ["v1"])

    let store = try SQLiteJobStore(path: path, syncing: nil, logger: Self.logger)

    #expect(try await store.writer.read { try JobStoreSchema.migrator.appliedIdentifiers($0) } == ["v1", "v2", "v3", "v4", "v5"])
    let job = try #require(try await store.job("20250101-000000-0001"))
    #expect(job.status == .completed && job.totalFilesDownloaded == 1 && job.settings?.concurrency == 4)
    let items = try await store.items(ofJob: job.jobId).elements
    #expect(items.map(\.outcome.id) == ["i1"] && items.first?.outcome.resumedFrom == nil)
    let known = await store.knownFiles(folder: "u1_folder")
    let file = try #require(known.files["images/i1"])
    // Recorded before stamps existed: no quick check, the next job re-reads the file.
    #expect(file.stamp == nil && file.recordedByFinishedJob && file.outcome.crc32c == "0000abcd")
    #expect(known.partials.isEmpty)
  }

  @Test("a database from a newer MediaBatch is refused and left unchanged")
  func refusesNewerSchema() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.appending("state.sqlite")
    _ = try SQLiteJobStore(path: path, syncing: nil, logger: Self.logger)
    try await DatabaseQueue(path: path).write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
    }

    #expect {
      _ = try SQLiteJobStore(path: path, syncing: nil, logger: Self.logger)
    } throws: { error in
      "\(error)".contains("newer MediaBatch")
    }
    let applied = try await DatabaseQueue(path: path).read { db in
      try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1")
    }
    #expect(applied == ["v1", "v2", "v3", "v4", "v5", "v99"])
  }

  @Test("a file that is not a job store is refused with a message that says what to do")
  func refusesGarbage() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.appending("state.sqlite")
    try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: path))

    #expect {
      _ = try SQLiteJobStore(path: path, syncing: nil, logger: Self.logger)
    } throws: { error in
      let message = "\(error)"
      return error is SQLiteJobStore.OpenError && message.contains(path) && message.contains("move it away")
    }
  }

  @Test("results are written at checkpoints, paged with a cursor, and filtered by status and error code")
  func recordsAndPages() async throws {
    let store = try SQLiteJobStore(inMemoryWith: Self.logger)
    await store.jobStarted(Self.job("j1"))
    for user in 0..<25 {
      let failing = user % 5 == 0
      store.itemFinished(Self.item("j1", user: "u\(user)", id: "a", status: .downloaded))
      store.itemFinished(Self.item("j1", user: "u\(user)", id: "b", status: failing ? .failed : .skipped, error: failing ? .notFound : nil))
      let outcomes = [
        Self.item("j1", user: "u\(user)", id: "a", status: .downloaded).outcome,
        Self.item("j1", user: "u\(user)", id: "b", status: failing ? .failed : .skipped, error: failing ? .notFound : nil).outcome,
      ]
      store.userFinished(jobId: "j1", UserResult(userId: "u\(user)", email: nil, folder: "u\(user)_folder", outcomes: outcomes))
    }
    // Nothing is visible before the checkpoint.
    #expect(try await store.users(ofJob: "j1").elements.isEmpty)
    try await store.checkpoint(Self.job("j1"))

    var seen: [String] = []
    var cursor: String?
    repeat {
      let page = try await store.users(ofJob: "j1", cursor: cursor, limit: 10)
      #expect(page.elements.count <= 10)
      seen += page.elements.map(\.userId)
      cursor = page.nextCursor
    } while cursor != nil
    #expect(seen == (0..<25).map { "u\($0)" })
    let failed = try await store.users(ofJob: "j1", status: .failed).elements.map(\.userId)
    #expect(failed == ["u0", "u5", "u10", "u15", "u20"])
    #expect(try await store.users(ofJob: "j1", errorCode: .notFound, limit: 2).nextCursor != nil)
    #expect(try await store.users(ofJob: "j1", errorCode: .checksumMismatch).elements.isEmpty)
    let missing = try await store.items(ofJob: "j1", errorCode: .notFound).elements
    #expect(missing.count == 5 && missing.allSatisfy { $0.outcome.error?.message.hasPrefix("not_found") == true })
    #expect(try await store.items(ofJob: "j1", userId: "u3").elements.map(\.outcome.status) == [.downloaded, .skipped])
    #expect(try await store.itemCounts(ofJob: "j1") == [.downloaded: 25, .skipped: 20, .failed: 5])
    #expect(await store.failedItems(ofJob: "j1") == ["u0": ["images/b"], "u5": ["images/b"], "u10": ["images/b"], "u15": ["images/b"], "u20": ["images/b"]])
    await #expect(throws: InvalidCursor.self) { try await store.users(ofJob: "j1", cursor: "abc") }
  }

  @Test("a store keeping only problems records failed users and items, nothing of those that succeeded")
  func keepsOnlyProblems() async throws {
    let store = try SQLiteJobStore(inMemoryWith: Self.logger, keepingOnlyProblems: true)
    await store.jobStarted(Self.job("j1"))
    let good = Self.item("j1", user: "u1", id: "a", status: .downloaded)
    let bad = Self.item("j1", user: "u2", id: "b", status: .failed, error: .notFound)
    store.itemFinished(good)
    store.itemFinished(bad)
    store.userFinished(jobId: "j1", UserResult(userId: "u1", email: nil, folder: "u1_folder", outcomes: [good.outcome]))
    store.userFinished(jobId: "j1", UserResult(userId: "u2", email: nil, folder: "u2_folder", outcomes: [bad.outcome]))
    try await store.jobFinished(Self.job("j1", .completedWithErrors))

    #expect(try await store.users(ofJob: "j1").elements.map(\.userId) == ["u2"])
    #expect(try await store.items(ofJob: "j1").elements.map(\.outcome.id) == ["b"])
    #expect(try await store.job("j1")?.status == .completedWithErrors)
  }

  @Test("a partial download is recorded until its item finishes; one that starts and ends within a batch is never written")
  func partialsLiveUntilTheItemEnds() async throws {
    let store = try SQLiteJobStore(inMemoryWith: Self.logger)
    await store.jobStarted(Self.job("j1"))
    func transfer(_ id: String) -> PartialTransfer {
      PartialTransfer(
        jobId: "j1", folder: "u_folder", relativePath: "images/\(id).png", location: ObjectLocation(bucket: "b", object: "u/\(id)"),
        info: ObjectInfo(size: 100, generation: "5", crc32c: 0xDEAD_BEEF, md5: [1, 2, 3])
      )
    }
    store.transferStarted(transfer("quick"))
    store.itemFinished(Self.item("j1", user: "u", id: "quick", status: .downloaded))
    store.transferStarted(transfer("slow"))
    try await store.checkpoint(Self.job("j1"))

    var known = await store.knownFiles(folder: "u_folder")
    #expect(Array(known.partials.keys) == ["images/slow.png"])
    #expect(known.partials["images/slow.png"]?.info == transfer("slow").info)
    #expect(known.files.keys.sorted() == ["images/quick"])

    store.itemFinished(Self.item("j1", user: "u", id: "slow", status: .failed, error: .network))
    try await store.checkpoint(Self.job("j1"))
    known = await store.knownFiles(folder: "u_folder")
    #expect(known.partials.isEmpty)
  }

  @Test("the last manifest written into a folder is read back with the folder's files, in SQLite and in memory alike")
  func manifestRecords() async throws {
    let stores: [any JobStore & JobHistory] = [try SQLiteJobStore(inMemoryWith: Self.logger), InMemoryJobStore()]
    for store in stores {
      await store.jobStarted(Self.job("j1"))
      #expect(await store.knownFiles(folder: "u_folder").manifest == nil)
      let first = ManifestRecord(folder: "u_folder", digest: "aa", stamp: FileStamp(size: 10, modified: 1), jobId: "j1")
      store.manifestWritten(first)
      try await store.checkpoint(Self.job("j1"))
      #expect(await store.knownFiles(folder: "u_folder").manifest == first)
      // A later manifest replaces the record.
      let second = ManifestRecord(folder: "u_folder", digest: "bb", stamp: FileStamp(size: 12, modified: 2), jobId: "j1")
      store.manifestWritten(second)
      try await store.checkpoint(Self.job("j1"))
      #expect(await store.knownFiles(folder: "u_folder").manifest == second)
      #expect(await store.knownFiles(folder: "other").manifest == nil)
    }
  }

  @Test("jobs left running by a dead process are marked interrupted, once; the history lists jobs newest first, paged")
  func interruptedJobsAndHistory() async throws {
    let store = try SQLiteJobStore(inMemoryWith: Self.logger)
    for id in ["20260101-000000-0001", "20260101-000000-0002", "20260101-000000-0003"] {
      await store.jobStarted(Self.job(id))
    }
    try await store.jobFinished(Self.job("20260101-000000-0001", .completed))
    try await store.jobFinished(Self.job("20260101-000000-0002", .stopped))

    let interrupted = try store.markInterruptedJobs()

    #expect(interrupted.map(\.jobId) == ["20260101-000000-0003"])
    #expect(interrupted.first?.status == .interrupted)
    #expect(try store.markInterruptedJobs().isEmpty)
    let first = try await store.jobs(limit: 2)
    #expect(first.elements.map(\.jobId) == ["20260101-000000-0003", "20260101-000000-0002"])
    let second = try await store.jobs(cursor: first.nextCursor, limit: 2)
    #expect(second.elements.map(\.jobId) == ["20260101-000000-0001"] && second.nextCursor == nil)
    #expect(try await store.latestJob()?.status == .interrupted)
    #expect(first.elements.first?.settings == JobParameters(concurrency: 8))
  }

  @Test("a batch that fails to write is kept and written, in order, by the next checkpoint; nothing is lost")
  func failedBatchesStayPending() async throws {
    // setup
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteJobStore(path: directory.appending("state.sqlite"), syncing: nil, logger: Self.logger)
    await store.jobStarted(Self.job("j1"))
    store.itemFinished(Self.item("j1", user: "u1", id: "a", status: .downloaded))
    try await store.writer.write { db in
      try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON items BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    }

    // act: the write fails, more records arrive, then the store can be written again
    await #expect(throws: JobStoreWriteError.self) { try await store.checkpoint(Self.job("j1")) }
    store.itemFinished(Self.item("j1", user: "u1", id: "b", status: .downloaded))
    try await store.writer.write { try $0.execute(sql: "DROP TRIGGER refuse") }
    try await store.checkpoint(Self.job("j1"))

    // check
    let items = try await store.items(ofJob: "j1").elements.map(\.outcome.id)
    #expect(items == ["a", "b"])
    #expect(await store.knownFiles(folder: "u1_folder").files.count == 2)
  }
}
