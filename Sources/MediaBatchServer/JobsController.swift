import Hummingbird
import MediaBatchCore
import MediaBatchEngine

/// Job history from the job store, so it survives a restart: the jobs run on this output folder, newest first (the
/// running one live), and each job's per-user and per-item results, paged with a cursor and filterable.
struct JobsController<Context: RequestContext>: Sendable {
  let engine: BatchEngine
  let history: any JobHistory

  var endpoints: [Endpoint<Context>] {
    [
      .get(APIPaths.jobs, list), .get(APIPaths.jobs + "/:id", show), .get(APIPaths.jobs + "/:id/users", users),
      .get(APIPaths.jobs + "/:id/items", items),
    ]
  }

  struct JobList: ResponseEncodable {
    var jobs: [JobSummary]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
      case jobs
      case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(jobs, forKey: .jobs)
      try container.encode(nextCursor, forKey: .nextCursor)
    }
  }

  @Sendable func list(_ request: Request, context: Context) async throws -> JobList {
    let query = ListingQuery(request)
    let cursor = try query.cursor()
    let limit = try query.limit(default: 50)
    let page = try await paged(query) { cursor in try await history.jobs(cursor: cursor, limit: limit) }
    var jobs = page.elements.map { job in engine.currentSummary().flatMap { $0.jobId == job.jobId ? $0 : nil } ?? job }
    // A job that has just been accepted may not be recorded yet.
    if cursor == nil, let current = engine.currentSummary(), current.status.isActive, !jobs.contains(where: { $0.jobId == current.jobId }) {
      jobs.insert(current, at: 0)
    }
    return JobList(jobs: jobs, nextCursor: page.nextCursor)
  }

  @Sendable func show(_ request: Request, context: Context) async throws -> JobSummary {
    try await job(context)
  }

  struct UserPage: ResponseEncodable {
    var jobId: String
    var users: [UserResult]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
      case jobId = "job_id"
      case users
      case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(jobId, forKey: .jobId)
      try container.encode(users, forKey: .users)
      try container.encode(nextCursor, forKey: .nextCursor)
    }
  }

  @Sendable func users(_ request: Request, context: Context) async throws -> UserPage {
    let job = try await job(context)
    let query = ListingQuery(request)
    let status = try query.value("status", as: UserResult.Status.self, allowed: [.succeeded, .failed, .stopped])
    let page = try await paged(query) { cursor in
      try await history.users(ofJob: job.jobId, status: status, errorCode: try query.errorCode(), cursor: cursor, limit: try query.limit())
    }
    return UserPage(jobId: job.jobId, users: page.elements, nextCursor: page.nextCursor)
  }

  struct ItemPage: ResponseEncodable {
    var jobId: String
    var items: [ItemRecord]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
      case jobId = "job_id"
      case items
      case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(jobId, forKey: .jobId)
      try container.encode(items, forKey: .items)
      try container.encode(nextCursor, forKey: .nextCursor)
    }
  }

  @Sendable func items(_ request: Request, context: Context) async throws -> ItemPage {
    let job = try await job(context)
    let query = ListingQuery(request)
    let status = try query.value("status", as: ItemOutcome.Status.self, allowed: [.downloaded, .skipped, .planned, .failed, .cancelled])
    let page = try await paged(query) { cursor in
      try await history.items(
        ofJob: job.jobId, status: status, errorCode: try query.errorCode(), userId: query.string("user"), cursor: cursor,
        limit: try query.limit()
      )
    }
    return ItemPage(jobId: job.jobId, items: page.elements, nextCursor: page.nextCursor)
  }

  // MARK: - Helpers

  private func job(_ context: Context) async throws -> JobSummary {
    let id = try context.parameters.require("id")
    if let current = engine.currentSummary(), current.jobId == id { return current }
    guard let job = try await history.job(id) else {
      throw APIError(.notFound, code: "job_not_found", message: "no job \(id) in this output folder's history")
    }
    return job
  }

  private func paged<Element>(_ query: ListingQuery, _ fetch: (String?) async throws -> StorePage<Element>) async throws -> StorePage<Element> {
    let cursor = try query.cursor()
    do {
      return try await fetch(cursor)
    } catch let invalid as InvalidCursor {
      throw ListingQuery.invalidCursor(invalid.cursor)
    }
  }
}
