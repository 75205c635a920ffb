import Foundation
import Logging
import MediaBatchCore
import MediaBatchJobStore
import MediaBatchTesting
import Testing

/// The SQLite store and the in-memory one the engine and API tests use answer the same records the same way: the
/// in-memory store may stand in for the database only while this holds.
@Suite("One job store contract, two stores", .timeLimit(.minutes(15)))
struct JobHistoryContractTests {
  enum Kind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, memory
    var testDescription: String { rawValue }

    func make() throws -> any JobStore & JobHistory {
      var logger = Logger(label: "test")
      logger.logLevel = .critical
      switch self {
      case .sqlite: return try SQLiteJobStore(inMemoryWith: logger)
      case .memory: return InMemoryJobStore()
      }
    }
  }

  static let source = SourceInfo(kind: "demo", description: "demo", isDemo: true)

  /// Two jobs on one folder: the first with a downloaded file, a failure, a cancelled item and a download left
  /// partial; the second downloads one more file.
  static func record(into store: some JobStore & JobHistory) async throws {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    var first = JobSummary(jobId: "job-1", status: .processing, source: source, dryRun: false, startedAt: start)
    await store.jobStarted(first)
    let location = ObjectLocation(bucket: "b", object: "users/a/1.png")
    let downloaded = ItemOutcome(
      id: "1", kind: .images, status: .downloaded, location: location, generation: "7", localPath: "images/1.png", size: 10,
      crc32c: "AAAAAA==", contentType: "image/png", attempts: 1)
    let failed = ItemOutcome(id: "2", kind: .images, status: .failed, attempts: 3, error: ItemError(.notFound, "no such object"))
    let cancelled = ItemOutcome(id: "3", kind: .voices, status: .cancelled, error: ItemError(.cancelled, "stopped"))
    let stamp = FileStamp(size: 10, modified: 1_700_000_000_000_000_000)
    store.transferStarted(
      PartialTransfer(
        jobId: "job-1", folder: "bob", relativePath: "voices/3.wav", location: ObjectLocation(bucket: "b", object: "3"),
        info: ObjectInfo(size: 99, generation: "5")))
    store.itemFinished(FinishedItem(jobId: "job-1", userId: "a", folder: "alice", outcome: downloaded, stamp: stamp, startedAt: start, seconds: 1))
    store.itemFinished(FinishedItem(jobId: "job-1", userId: "a", folder: "alice", outcome: failed, stamp: nil, startedAt: start, seconds: 1))
    store.itemFinished(FinishedItem(jobId: "job-1", userId: "b", folder: "bob", outcome: cancelled, stamp: nil, startedAt: start, seconds: 0))
    store.userFinished(jobId: "job-1", UserResult(userId: "a", email: "a@example.com", folder: "alice", outcomes: [downloaded, failed]))
    store.userFinished(jobId: "job-1", UserResult(userId: "b", email: nil, folder: "bob", outcomes: [cancelled]))
    first.status = .completedWithErrors
    first.failedFiles = 1
    first.cancelledFiles = 1
    first.totalFilesDownloaded = 1
    try await store.jobFinished(first)

    var second = JobSummary(jobId: "job-2", status: .processing, source: source, dryRun: false, startedAt: start.addingTimeInterval(60))
    await store.jobStarted(second)
    let again = ItemOutcome(
      id: "2", kind: .images, status: .downloaded, location: location, generation: "8", localPath: "images/2.png", size: 4,
      crc32c: "BBBBBB==", attempts: 1)
    store.itemFinished(
      FinishedItem(jobId: "job-2", userId: "a", folder: "alice", outcome: again, stamp: FileStamp(size: 4, modified: 1), startedAt: start, seconds: 1))
    store.userFinished(jobId: "job-2", UserResult(userId: "a", email: "a@example.com", folder: "alice", outcomes: [again]))
    second.status = .completed
    second.totalFilesDownloaded = 1
    try await store.checkpoint(second)
  }

  /// Everything the engine and the API read, as one comparable text.
  static func readings(of store: some JobStore & JobHistory) async throws -> [String] {
    var lines: [String] = []
    var cursor: String?
    repeat {
      let page = try await store.jobs(cursor: cursor, limit: 1)
      lines.append("jobs page: " + page.elements.map { "\($0.jobId) \($0.status.rawValue)" }.joined(separator: ","))
      cursor = page.nextCursor
    } while cursor != nil
    lines.append("latest: \(try await store.latestJob()?.jobId ?? "-")")
    lines.append("latest with failures: \(try await store.latestJob(withFailures: true)?.jobId ?? "-")")
    lines.append("job-2 status: \(try await store.job("job-2")?.status.rawValue ?? "-")")
    lines.append("no such job: \(try await store.job("job-9")?.jobId ?? "-")")
    cursor = nil
    repeat {
      let page = try await store.users(ofJob: "job-1", cursor: cursor, limit: 1)
      lines.append("users page: " + page.elements.map { "\($0.userId) \($0.status.rawValue) \($0.email ?? "-")" }.joined(separator: ","))
      cursor = page.nextCursor
    } while cursor != nil
    lines.append("failed users: " + (try await store.users(ofJob: "job-1", status: .failed).elements.map(\.userId)).joined(separator: ","))
    lines.append("users with not_found: " + (try await store.users(ofJob: "job-1", errorCode: .notFound).elements.map(\.userId)).joined(separator: ","))
    cursor = nil
    repeat {
      let page = try await store.items(ofJob: "job-1", cursor: cursor, limit: 2)
      lines.append("items page: " + page.elements.map { "\($0.userId)/\($0.outcome.id) \($0.outcome.status.rawValue)" }.joined(separator: ","))
      cursor = page.nextCursor
    } while cursor != nil
    lines.append("items of b: " + (try await store.items(ofJob: "job-1", userId: "b").elements.map(\.outcome.id)).joined(separator: ","))
    lines.append("failed items: " + (try await store.items(ofJob: "job-1", status: .failed).elements.map(\.outcome.id)).joined(separator: ","))
    lines.append("cancelled code: " + (try await store.items(ofJob: "job-1", errorCode: .cancelled).elements.map(\.outcome.id)).joined(separator: ","))
    let counts = try await store.itemCounts(ofJob: "job-1").sorted { $0.key.rawValue < $1.key.rawValue }
    lines.append("counts: " + counts.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ","))
    let known = await store.knownFiles(folder: "alice")
    for key in known.files.keys.sorted() {
      let file = known.files[key]!
      let o = file.outcome
      lines.append(
        "known \(key): \(o.localPath ?? "-") gen \(o.generation ?? "-") size \(o.size ?? -1) crc \(o.crc32c ?? "-") "
          + "type \(o.contentType ?? "-") stamp \(file.stamp?.modified ?? -1) finished \(file.recordedByFinishedJob)")
    }
    lines.append("bob's partials: " + (await store.knownFiles(folder: "bob")).partials.keys.sorted().joined(separator: ","))
    let failed = await store.failedItems(ofJob: "job-1")
    lines.append("to retry: " + failed.keys.sorted().map { "\($0)=\(failed[$0]!.sorted().joined(separator: "+"))" }.joined(separator: ","))
    cursor = nil
    repeat {
      let page = try await store.exportedUsers(matching: nil, cursor: cursor, limit: 1)
      lines.append("exported: " + page.elements.map { "\($0.result.userId) \($0.jobId) \($0.result.status.rawValue)" }.joined(separator: ","))
      cursor = page.nextCursor
    } while cursor != nil
    lines.append("exported matching EXAMPLE: " + (try await store.exportedUsers(matching: "EXAMPLE", cursor: nil, limit: 5)).elements.map(\.result.userId).joined(separator: ","))
    lines.append("exported b: \(try await store.exportedUser("b")?.jobId ?? "-"), z: \(try await store.exportedUser("z")?.jobId ?? "-")")
    return lines
  }

  @Test("both stores read back the same jobs, pages, filters, counts, known files and failures", arguments: Kind.allCases)
  func sameReadings(kind: Kind) async throws {
    let store = try kind.make()
    try await Self.record(into: store)
    let readings = try await Self.readings(of: store)
    #expect(
      readings == [
        "jobs page: job-2 completed",
        "jobs page: job-1 completed_with_errors",
        "latest: job-2",
        "latest with failures: job-1",
        "job-2 status: completed",
        "no such job: -",
        "users page: a failed a@example.com",
        "users page: b stopped -",
        "failed users: a",
        "users with not_found: a",
        "items page: a/1 downloaded,a/2 failed",
        "items page: b/3 cancelled",
        "items of b: 3",
        "failed items: 2",
        "cancelled code: 3",
        "counts: cancelled=1,downloaded=1,failed=1",
        "known images/1: images/1.png gen 7 size 10 crc AAAAAA== type image/png stamp 1700000000000000000 finished true",
        "known images/2: images/2.png gen 8 size 4 crc BBBBBB== type - stamp 1 finished true",
        "bob's partials: voices/3.wav",
        "to retry: a=images/2,b=voices/3",
        "exported: a job-2 succeeded",
        "exported: b job-1 stopped",
        "exported matching EXAMPLE: a",
        "exported b: job-1, z: -",
      ])
  }

  @Test("a cursor neither store handed out is refused", arguments: Kind.allCases)
  func foreignCursor(kind: Kind) async throws {
    let store = try kind.make()
    try await Self.record(into: store)
    await #expect(throws: InvalidCursor.self) { try await store.jobs(cursor: "abc", limit: 5) }
    await #expect(throws: InvalidCursor.self) { try await store.users(ofJob: "job-1", cursor: "-4", limit: 5) }
    await #expect(throws: InvalidCursor.self) { try await store.items(ofJob: "job-1", cursor: "x", limit: 5) }
    await #expect(throws: InvalidCursor.self) { try await store.exportedUsers(matching: nil, cursor: "%%%", limit: 5) }
  }
}
