public import CoreMetrics
public import Logging
public import MediaBatchCore
public import ServiceLifecycle
import Synchronization

import struct Foundation.Date

/// Runs batch jobs, one at a time, as a ServiceLifecycle service: the API and the CLI ask it to start and stop jobs
/// and read its progress; `run()` executes them. A graceful shutdown stops the running job cleanly.
public final class BatchEngine: Service, Sendable {
  /// Why a job could not start.
  public enum StartError: Error, Sendable, Hashable {
    case alreadyRunning(jobId: String)
    case shuttingDown
  }

  public enum StopResult: Sendable, Hashable {
    case stopping(jobId: String)
    case notRunning
  }

  private struct PendingJob: Sendable {
    var id: String
    var settings: JobSettings
    var progress: ProgressTracker
    var stop: StopSignal
  }

  private struct State {
    var machine = JobStateMachine()
    var current: PendingJob?
    /// Why the current (or last) job failed as a whole, when it did.
    var failureReason: String?
    var acceptsJobs = true
  }

  public let events = EventHub()
  public let sourceInfo: SourceInfo
  public let layout: OutputLayout
  public let defaults: JobSettings
  /// Where jobs record their work and read what earlier jobs left.
  public let jobStore: any JobStore
  private let logger: Logger
  private let metrics: EngineMetrics
  private let state = Mutex(State())
  private let requests: AsyncStream<PendingJob>
  private let requestContinuation: AsyncStream<PendingJob>.Continuation
  private let execute: @Sendable (PendingJob, @escaping @Sendable () -> JobStatus) async -> JobStateMachine.RunOutcome

  public init<Source: UserSource, Store: MediaStore>(
    source: Source,
    store: Store,
    layout: OutputLayout,
    defaults: JobSettings = JobSettings(),
    jobStore: any JobStore,
    logger: Logger,
    metrics: any MetricsFactory = NOOPMetricsHandler.instance
  ) {
    self.sourceInfo = source.info
    self.layout = layout
    self.defaults = defaults
    self.jobStore = jobStore
    self.logger = logger
    // At most one job is ever pending: the state machine refuses a start while one is accepted and not finished.
    (requests, requestContinuation) = AsyncStream.makeStream(of: PendingJob.self, bufferingPolicy: .bufferingOldest(1))
    let events = self.events
    let engineMetrics = EngineMetrics(factory: metrics)
    self.metrics = engineMetrics
    self.execute = { pending, status in
      // A dry run writes nothing, so it opens nothing for writing either.
      var tree: OutputTree?
      if !pending.settings.dryRun {
        do {
          tree = try OutputTree(root: layout.root, create: true)
        } catch {
          return .failed(reason: "the output folder cannot be opened: \(error)")
        }
      }
      let job = BatchJob(
        id: pending.id, source: source, store: store, layout: layout, tree: tree, placer: Placer(jobStore: jobStore, logger: logger),
        settings: pending.settings, jobStore: jobStore,
        events: events, progress: pending.progress, stop: pending.stop, logger: logger, metrics: engineMetrics,
        status: status
      )
      return await job.run()
    }
  }

  // MARK: - Control

  /// Accepts a job; `run()` starts it. Returns the new job's id.
  public func start(_ settings: JobSettings) throws(StartError) -> String {
    let id = JobID.make()
    let result: Result<PendingJob, StartError> = state.withLock { state in
      guard state.acceptsJobs else { return .failure(.shuttingDown) }
      switch state.machine.start(jobId: id) {
      case .rejectBecauseRunning(let running):
        return .failure(.alreadyRunning(jobId: running))
      case .start:
        let pending = PendingJob(
          id: id,
          settings: settings,
          progress: ProgressTracker(jobId: id, source: sourceInfo, dryRun: settings.dryRun),
          stop: StopSignal()
        )
        state.current = pending
        state.failureReason = nil
        requestContinuation.yield(pending)
        return .success(pending)
      }
    }
    let pending = try result.get()
    logger.info("job accepted", metadata: ["mediabatch.job.id": "\(id)", "mediabatch.source": "\(sourceInfo.kind)"])
    events.publish(.state(jobId: id, status: .processing))
    events.publish(.progress(pending.progress.snapshot(status: .processing)))
    return id
  }

  /// Asks the running job to stop: no new items start; items in flight get the grace period to finish.
  @discardableResult
  public func stop() -> StopResult {
    let action = state.withLock { state -> (JobStateMachine.StopAction, StopSignal?) in
      (state.machine.stopRequested(), state.current?.stop)
    }
    switch action {
    case (.signalStop(let id), let signal):
      signal?.stop()
      logger.info("job stopping", metadata: ["mediabatch.job.id": "\(id)"])
      events.publish(.state(jobId: id, status: .stopping))
      return .stopping(jobId: id)
    case (.alreadyStopping(let id), _):
      return .stopping(jobId: id)
    case (.rejectBecauseNotRunning, _):
      return .notRunning
    }
  }

  /// Stops the running job without a grace period: downloads in flight and the listing are cancelled at once (a
  /// second Ctrl-C). The job still ends `stopped`, with every outcome recorded.
  @discardableResult
  public func stopNow() -> StopResult {
    let result = stop()
    if case .stopping = result {
      state.withLock { $0.current?.stop }?.abandon()
    }
    return result
  }

  /// Lets `run()` return once the current job (if any) is over; no new job is accepted.
  public func finishAfterCurrentJob() {
    state.withLock { $0.acceptsJobs = false }
    requestContinuation.finish()
  }

  // MARK: - Reading

  public var status: JobStatus { state.withLock { $0.machine.status } }

  public func snapshot() -> ProgressSnapshot {
    let (status, progress) = state.withLock { ($0.machine.status, $0.current?.progress) }
    guard let progress else {
      var idle = ProgressSnapshot.idle
      idle.source = sourceInfo
      return idle
    }
    return progress.snapshot(status: status)
  }

  /// The current (or last) job's totals, live while it runs.
  public func currentSummary() -> JobSummary? {
    let snapshot = snapshot()
    guard snapshot.jobId != nil else { return nil }
    var summary = JobSummary(snapshot)
    (summary.settings, summary.failureReason) = state.withLock { ($0.current?.settings.parameters, $0.failureReason) }
    return summary
  }

  // MARK: - Service

  public func run() async throws {
    await withGracefulShutdownHandler {
      for await pending in requests {
        await runJob(pending)
      }
    } onGracefulShutdown: {
      self.stop()
      self.finishAfterCurrentJob()
    }
    events.finishAll()
  }

  private func runJob(_ pending: PendingJob) async {
    logger.info("job started", metadata: ["mediabatch.job.id": "\(pending.id)"])
    if let started = currentSummary() { await jobStore.jobStarted(started) }
    var outcome = await execute(pending) { [weak self] in self?.status ?? .processing }
    pending.progress.jobFinished()
    // Every user and item result is in the job store before the job is seen to end, or the job failed.
    do {
      try await jobStore.checkpoint(JobSummary(pending.progress.snapshot(status: status)))
    } catch {
      if case .failed = outcome {} else {
        outcome = .failed(
          reason: error.isDiskFull
            ? JobFailure.diskFull(root: layout.root, error.description)
            : "\(error.description); the exported files are verified and listed in their manifests, the next run checks them again")
      }
    }
    let status = state.withLock { $0.machine.runEnded(jobId: pending.id, outcome) }
    metrics.jobFinished(status)
    var summary = JobSummary(pending.progress.snapshot(status: status))
    summary.settings = pending.settings.parameters
    if case .failed(let reason) = outcome {
      summary.failureReason = reason
      state.withLock { $0.failureReason = reason }
    }
    do {
      try await jobStore.jobFinished(summary)
    } catch {
      logger.error("job end not recorded", metadata: ["mediabatch.job.id": "\(pending.id)", "error": "\(error)"])
    }
    logger.info(
      "job finished",
      metadata: [
        "mediabatch.job.id": "\(pending.id)", "mediabatch.job.status": "\(status.rawValue)",
        "mediabatch.job.downloaded_files": "\(summary.totalFilesDownloaded)", "mediabatch.job.skipped_files": "\(summary.skippedFiles)",
        "mediabatch.job.failed_files": "\(summary.failedFiles)", "mediabatch.job.cancelled_files": "\(summary.cancelledFiles)",
        "mediabatch.job.downloaded_bytes": "\(summary.totalSizeBytes)",
      ]
    )
    events.publish(.state(jobId: pending.id, status: status))
    events.publish(.progress(pending.progress.snapshot(status: status)))
  }
}

extension JobSummary {
  /// The totals a progress snapshot holds.
  public init(_ snapshot: ProgressSnapshot) {
    self.init(
      jobId: snapshot.jobId ?? "",
      status: snapshot.status,
      source: snapshot.source ?? SourceInfo(kind: "unknown", description: "", isDemo: false),
      dryRun: snapshot.dryRun,
      startedAt: snapshot.startedAt ?? Date()
    )
    finishedAt = snapshot.finishedAt
    totalUsers = snapshot.totalUsers
    processedUsers = snapshot.processedUsers
    successfulUsers = snapshot.successfulUsers
    failedUsers = snapshot.failedUsers
    stoppedUsers = snapshot.stoppedUsers
    totalFilesDownloaded = snapshot.downloadedFiles
    skippedFiles = snapshot.skippedFiles
    failedFiles = snapshot.failedFiles
    cancelledFiles = snapshot.cancelledFiles
    totalSizeBytes = snapshot.downloadedBytes
    processingTimeSeconds = snapshot.elapsedSeconds
  }
}

/// Job ids that sort by start time and stay unique across restarts: `20261125-160102-3f9a`.
enum JobID {
  static func make(now: Date = Date()) -> String {
    let stamp = CivilTime.compact(Int(now.timeIntervalSince1970)).split(separator: "_").joined(separator: "-")
    let random = String(UInt16.random(in: 0...UInt16.max), radix: 16)
    return stamp + "-" + String(repeating: "0", count: 4 - random.count) + random
  }
}
