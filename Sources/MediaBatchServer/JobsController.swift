import Hummingbird
import MediaBatchCore
import MediaBatchEngine

/// Job history: the jobs this server has run, newest first, the running one live.
struct JobsController<Context: RequestContext>: Sendable {
  let engine: BatchEngine
  let results: InMemoryJobResults

  func register(on router: Router<Context>) {
    router.get(RouterPath(APIPaths.jobs), use: list)
    router.get(RouterPath(APIPaths.jobs + "/:id"), use: show)
  }

  struct JobList: ResponseEncodable {
    var jobs: [JobSummary]
  }

  @Sendable func list(_ request: Request, context: Context) async throws -> JobList {
    JobList(jobs: await history())
  }

  @Sendable func show(_ request: Request, context: Context) async throws -> JobSummary {
    let id = try context.parameters.require("id")
    guard let job = await history().first(where: { $0.jobId == id }) else {
      throw APIError(.notFound, code: "job_not_found", message: "no job \(id) on this server")
    }
    return job
  }

  /// The recorded history, with the running job's entry replaced by its live totals.
  private func history() async -> [JobSummary] {
    var jobs = await results.history()
    if let live = engine.currentSummary(), live.status.isActive {
      if let index = jobs.firstIndex(where: { $0.jobId == live.jobId }) {
        jobs[index] = live
      } else {
        jobs.insert(live, at: 0)
      }
    }
    return jobs
  }
}
