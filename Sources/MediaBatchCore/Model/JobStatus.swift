/// The state of a batch job, as the API reports it.
public enum JobStatus: String, Sendable, Codable, Hashable, CaseIterable {
  case idle
  case processing
  case stopping
  case completed
  case completedWithErrors = "completed_with_errors"
  case stopped
  case failed
  /// The process running the job died (killed, crashed, power lost); a later job resumes what it left.
  case interrupted

  /// A job in this state is still running; a new job may not start.
  public var isActive: Bool { self == .processing || self == .stopping }
}
