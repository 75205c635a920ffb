public import MediaBatchCore

/// Something that happened in a job, in the order it happened.
public enum JobEvent: Sendable, Hashable {
  /// A job changed state.
  case state(jobId: String, status: JobStatus)
  /// A periodic progress snapshot.
  case progress(ProgressSnapshot)
  /// A user is finished.
  case userFinished(jobId: String, UserResult)
  case itemFailed(jobId: String, ErrorRecord)
}

/// An event with its sequence number, which grows by one per event published.
public struct EventEnvelope: Sendable, Hashable {
  public var sequence: UInt64
  public var event: JobEvent
}
