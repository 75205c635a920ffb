public import MediaBatchCore
import Synchronization
import Toolbox

public import struct Foundation.Date

/// The live counters of one job, updated by its tasks and read by the API, the CLI and the event ticker.
public final class ProgressTracker: Sendable {
  /// How many recent errors a snapshot carries.
  public static let recentErrorLimit = 50
  /// The window speed is averaged over.
  static let speedWindow: Duration = .seconds(5)

  private struct Sample {
    var at: ContinuousClock.Instant
    var bytes: Int64
    var files: Int
  }

  private struct State {
    var expectedUsers: Int?
    var totalUsers = 0
    var listingComplete = false
    var processedUsers = 0
    var successfulUsers = 0
    var failedUsers = 0
    var stoppedUsers = 0
    var currentUser: String?
    var inFlightUsers: [(id: String, name: String)] = []
    var totalFiles = 0
    var processedFiles = 0
    var downloadedFiles = 0
    var skippedFiles = 0
    var failedFiles = 0
    var cancelledFiles = 0
    var totalBytes: Int64 = 0
    var completedBytes: Int64 = 0
    var errorCounts: [String: Int] = [:]
    var recentErrors: [ErrorRecord] = []
    var samples: [Sample] = []
    var finishedAt: Date?
    var finishedInstant: ContinuousClock.Instant?
  }

  public let jobId: String
  public let source: SourceInfo
  public let dryRun: Bool
  public let startedAt: Date
  private let startInstant: ContinuousClock.Instant
  private let state = Mutex(State())
  /// Bytes written to disk so far; touched once per chunk, so kept out of the lock.
  private let streamedBytes = Atomic<Int64>(0)
  private let retryingItems = Atomic<Int>(0)

  public init(jobId: String, source: SourceInfo, dryRun: Bool, startedAt: Date = Date()) {
    self.jobId = jobId
    self.source = source
    self.dryRun = dryRun
    self.startedAt = startedAt
    self.startInstant = .now
  }

  // MARK: - Updates

  func userListed(id: String, name: String, files: Int, knownBytes: Int64) {
    state.withLock { state in
      state.totalUsers += 1
      state.totalFiles += files
      state.totalBytes = state.totalBytes.saturatingAdding(knownBytes)
      state.currentUser = name
      state.inFlightUsers.append((id, name))
    }
  }

  /// The number of users the source announced before listing them.
  func usersExpected(_ count: Int) {
    state.withLock { $0.expectedUsers = count }
  }

  func listingCompleted() {
    state.withLock { $0.listingComplete = true }
  }

  /// A size learned only when the object was opened.
  func bytesDiscovered(_ bytes: Int64) {
    state.withLock { $0.totalBytes = $0.totalBytes.saturatingAdding(bytes) }
  }

  func bytesStreamed(_ delta: Int64) {
    streamedBytes.add(delta, ordering: .relaxed)
  }

  func retryStarted() { retryingItems.add(1, ordering: .relaxed) }
  /// Items waiting out a backoff before their next attempt: they hold no connection.
  var retryingCount: Int { retryingItems.load(ordering: .relaxed) }
  func retryEnded() { retryingItems.subtract(1, ordering: .relaxed) }

  /// Records an item's final outcome. `knownBytes` is what the listing counted for it, taken back if it failed.
  func itemFinished(_ outcome: ItemOutcome, knownBytes: Int64, error: ErrorRecord?) {
    state.withLock { state in
      state.processedFiles += 1
      switch outcome.status {
      case .downloaded, .planned:
        state.downloadedFiles += 1
        state.completedBytes = state.completedBytes.saturatingAdding(outcome.size ?? 0)
      case .skipped:
        // Nothing to transfer: the file is already here. Its bytes leave the total still to fetch.
        state.skippedFiles += 1
        state.totalBytes = state.totalBytes.saturatingSubtracting(knownBytes)
      case .failed:
        state.failedFiles += 1
        state.totalBytes = state.totalBytes.saturatingSubtracting(knownBytes)
      case .cancelled:
        state.cancelledFiles += 1
        state.totalBytes = state.totalBytes.saturatingSubtracting(knownBytes)
      }
      if let error {
        state.errorCounts[error.code.rawValue, default: 0] += 1
        state.recentErrors.append(error)
        if state.recentErrors.count > Self.recentErrorLimit { state.recentErrors.removeFirst() }
      }
    }
  }

  func userFinished(_ result: UserResult) {
    state.withLock { state in
      state.processedUsers += 1
      switch result.status {
      case .succeeded: state.successfulUsers += 1
      case .failed: state.failedUsers += 1
      case .stopped: state.stoppedUsers += 1
      }
      if let index = state.inFlightUsers.firstIndex(where: { $0.id == result.userId }) {
        state.inFlightUsers.remove(at: index)
      }
    }
  }

  func jobFinished(at date: Date = Date()) {
    state.withLock { state in
      state.finishedAt = date
      state.finishedInstant = .now
    }
  }

  // MARK: - Reading

  /// Files that ended cancelled, for the runner's verdict.
  var cancelledFiles: Int { state.withLock { $0.cancelledFiles } }
  var failedFiles: Int { state.withLock { $0.failedFiles } }

  public func snapshot(status: JobStatus, now: ContinuousClock.Instant = .now) -> ProgressSnapshot {
    let streamed = streamedBytes.load(ordering: .relaxed)
    let retrying = retryingItems.load(ordering: .relaxed)
    return state.withLock { state in
      let end = state.finishedInstant ?? now
      let elapsed = Self.seconds(end - startInstant)
      let (bytesPerSecond, filesPerSecond) = Self.rates(&state, now: end, bytes: streamed, elapsed: elapsed)
      let eta = Self.eta(state, streamed: streamed, bytesPerSecond: bytesPerSecond)
      var snapshot = ProgressSnapshot.idle
      snapshot.jobId = jobId
      snapshot.status = status
      snapshot.source = source
      snapshot.dryRun = dryRun
      snapshot.totalUsers = state.listingComplete ? state.totalUsers : max(state.totalUsers, state.expectedUsers ?? 0)
      snapshot.listedUsers = state.totalUsers
      snapshot.usersListingComplete = state.listingComplete
      snapshot.processedUsers = state.processedUsers
      snapshot.successfulUsers = state.successfulUsers
      snapshot.failedUsers = state.failedUsers
      snapshot.stoppedUsers = state.stoppedUsers
      snapshot.cancelledFiles = state.cancelledFiles
      snapshot.currentUser = state.currentUser
      snapshot.inFlightUsers = state.inFlightUsers.prefix(100).map(\.name)
      snapshot.totalFiles = state.totalFiles
      snapshot.processedFiles = state.processedFiles
      snapshot.downloadedFiles = state.downloadedFiles
      snapshot.skippedFiles = state.skippedFiles
      snapshot.failedFiles = state.failedFiles
      snapshot.totalBytes = state.totalBytes
      snapshot.downloadedBytes = streamed
      snapshot.speedBytesPerSecond = bytesPerSecond
      snapshot.filesPerSecond = filesPerSecond
      snapshot.etaSeconds = eta
      snapshot.elapsedSeconds = elapsed
      snapshot.retrying = retrying
      snapshot.startedAt = startedAt
      snapshot.finishedAt = state.finishedAt
      snapshot.errorCounts = state.errorCounts
      snapshot.errors = state.recentErrors
      return snapshot
    }
  }

  /// Seconds left at the current speed. While users are still being listed, the bytes of the users not yet listed
  /// are projected from the average of those listed so far, when the source announced how many there are.
  private static func eta(_ state: State, streamed: Int64, bytesPerSecond: Double) -> Double? {
    if state.finishedAt != nil { return 0 }
    guard bytesPerSecond > 0, state.totalBytes > 0 else { return nil }
    var total = Double(state.totalBytes)
    if !state.listingComplete {
      guard let expected = state.expectedUsers, state.totalUsers > 0, expected >= state.totalUsers else { return nil }
      total = total / Double(state.totalUsers) * Double(expected)
    }
    return max(0, total - Double(streamed)) / bytesPerSecond
  }

  /// Bytes and files per second over the last few seconds; over the whole run until there is that much history,
  /// and once the job is over.
  private static func rates(_ state: inout State, now: ContinuousClock.Instant, bytes: Int64, elapsed: Double) -> (Double, Double) {
    let files = state.processedFiles
    if state.finishedInstant != nil || elapsed <= 0 {
      return elapsed > 0 ? (Double(bytes) / elapsed, Double(files) / elapsed) : (0, 0)
    }
    if let last = state.samples.last, now - last.at < .milliseconds(200) {
      // Sampled a moment ago: reuse the window as it stands.
    } else {
      state.samples.append(Sample(at: now, bytes: bytes, files: files))
    }
    state.samples.removeAll { now - $0.at > speedWindow }
    guard let oldest = state.samples.first, now - oldest.at >= .seconds(1) else {
      return (Double(bytes) / elapsed, Double(files) / elapsed)
    }
    let window = seconds(now - oldest.at)
    return (Double(bytes - oldest.bytes) / window, Double(files - oldest.files) / window)
  }

  static func seconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
