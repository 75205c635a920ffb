/// The port finished work is recorded through: in memory now, a durable job store where one is configured.
public protocol JobResultsSink: Sendable {
  func jobStarted(_ job: JobSummary) async
  /// A user is finished: its result and every item's outcome.
  func userFinished(jobId: String, _ result: UserResult, outcomes: [ItemOutcome]) async
  func jobFinished(_ job: JobSummary) async
}
