import MediaBatchCore
import MediaBatchEngine
import Testing

@Suite("Job state machine", .timeLimit(.minutes(15)))
struct JobStateMachineTests {
  @Test("a job goes idle → processing → completed, and a new one may start after it")
  func happyPath() {
    var machine = JobStateMachine()
    #expect(machine.status == .idle && machine.jobId == nil)
    #expect(machine.start(jobId: "a") == .start(jobId: "a"))
    #expect(machine.status == .processing)
    #expect(machine.runEnded(jobId: "a", .finished(failedItems: 0)) == .completed)
    #expect(machine.start(jobId: "b") == .start(jobId: "b"))
    #expect(machine.jobId == "b")
  }

  @Test("a second start while a job runs or stops is rejected with the running job's id")
  func oneJobAtATime() {
    var machine = JobStateMachine()
    _ = machine.start(jobId: "a")
    #expect(machine.start(jobId: "b") == .rejectBecauseRunning(jobId: "a"))
    _ = machine.stopRequested()
    #expect(machine.start(jobId: "c") == .rejectBecauseRunning(jobId: "a"))
    #expect(machine.jobId == "a")
  }

  @Test("stop: processing → stopping → stopped; a second stop changes nothing; no job, nothing to stop")
  func stopping() {
    var machine = JobStateMachine()
    #expect(machine.stopRequested() == .rejectBecauseNotRunning)
    _ = machine.start(jobId: "a")
    #expect(machine.stopRequested() == .signalStop(jobId: "a"))
    #expect(machine.status == .stopping)
    #expect(machine.stopRequested() == .alreadyStopping(jobId: "a"))
    #expect(machine.runEnded(jobId: "a", .stoppedEarly) == .stopped)
    #expect(machine.stopRequested() == .rejectBecauseNotRunning)
  }

  @Test(
    "how a run ends decides the final status",
    arguments: [
      (JobStateMachine.RunOutcome.finished(failedItems: 0), JobStatus.completed),
      (.finished(failedItems: 3), .completedWithErrors),
      (.stoppedEarly, .stopped),
      (.failed(reason: "disk"), .failed),
    ]
  )
  func finalStatus(outcome: JobStateMachine.RunOutcome, status: JobStatus) {
    var machine = JobStateMachine()
    _ = machine.start(jobId: "a")
    #expect(machine.runEnded(jobId: "a", outcome) == status)
    #expect(!machine.status.isActive)
  }

  @Test("a stop requested as the last item finished still ends completed when nothing was left out")
  func stopAfterEverythingFinished() {
    var machine = JobStateMachine()
    _ = machine.start(jobId: "a")
    _ = machine.stopRequested()
    #expect(machine.runEnded(jobId: "a", .finished(failedItems: 0)) == .completed)
  }

  @Test("a report about another job changes nothing")
  func staleReportsAreIgnored() {
    var machine = JobStateMachine()
    _ = machine.start(jobId: "a")
    #expect(machine.runEnded(jobId: "old", .failed(reason: "x")) == .processing)
    #expect(machine.status == .processing)
  }
}
