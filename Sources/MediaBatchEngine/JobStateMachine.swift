public import MediaBatchCore

/// The life of jobs in one engine: which may start, which may stop, and how each ends. Pure: it performs nothing,
/// it only says what the engine should do.
public struct JobStateMachine: Sendable, Hashable {
  private enum State: Sendable, Hashable {
    case idle
    case processing(jobId: String)
    case stopping(jobId: String)
    case finished(jobId: String, status: JobStatus)
  }

  /// How a job's run ended, as the runner saw it.
  public enum RunOutcome: Sendable, Hashable {
    /// Every item was attempted; `failedItems` of them failed.
    case finished(failedItems: Int)
    /// The run ended before every item was attempted because a stop was requested.
    case stoppedEarly
    /// The job could not run at all (unwritable output, a source that failed).
    case failed(reason: String)
  }

  public enum StartAction: Sendable, Hashable {
    case start(jobId: String)
    case rejectBecauseRunning(jobId: String)
  }

  public enum StopAction: Sendable, Hashable {
    /// Tell the running job to stop.
    case signalStop(jobId: String)
    /// A stop was already requested; nothing more to do.
    case alreadyStopping(jobId: String)
    case rejectBecauseNotRunning
  }

  private var state: State = .idle

  public init() {}

  public var status: JobStatus {
    switch state {
    case .idle: .idle
    case .processing: .processing
    case .stopping: .stopping
    case .finished(_, let status): status
    }
  }

  public var jobId: String? {
    switch state {
    case .idle: nil
    case .processing(let id), .stopping(let id), .finished(let id, _): id
    }
  }

  public mutating func start(jobId: String) -> StartAction {
    switch state {
    case .processing(let running), .stopping(let running):
      return .rejectBecauseRunning(jobId: running)
    case .idle, .finished:
      state = .processing(jobId: jobId)
      return .start(jobId: jobId)
    }
  }

  public mutating func stopRequested() -> StopAction {
    switch state {
    case .processing(let id):
      state = .stopping(jobId: id)
      return .signalStop(jobId: id)
    case .stopping(let id):
      return .alreadyStopping(jobId: id)
    case .idle, .finished:
      return .rejectBecauseNotRunning
    }
  }

  /// Records how the run of `jobId` ended and returns its final status. A report for a job that is not the
  /// current one changes nothing.
  @discardableResult
  public mutating func runEnded(jobId: String, _ outcome: RunOutcome) -> JobStatus {
    switch state {
    case .processing(let id) where id == jobId, .stopping(let id) where id == jobId:
      let status: JobStatus =
        switch outcome {
        case .failed: .failed
        case .stoppedEarly: .stopped
        case .finished(let failedItems): failedItems > 0 ? .completedWithErrors : .completed
        }
      state = .finished(jobId: jobId, status: status)
      return status
    default:
      return self.status
    }
  }
}
