public import Hummingbird
public import MediaBatchCore
import MediaBatchEngine

/// The batch endpoints of the compatible API: start, status, results, stop.
struct BatchController<Context: RequestContext>: Sendable {
  let engine: BatchEngine
  let history: any JobHistory

  var endpoints: [Endpoint<Context>] {
    [.post(APIPaths.start, start), .get(APIPaths.status, status), .get(APIPaths.results, resultsPage), .post(APIPaths.stop, stop)]
  }

  /// The answer to a start or a stop.
  struct Accepted: ResponseEncodable {
    var message: String
    var status: JobStatus
    var jobId: String

    enum CodingKeys: String, CodingKey {
      case message, status
      case jobId = "job_id"
    }
  }

  @Sendable func start(_ request: Request, context: Context) async throws -> EditedResponse<Accepted> {
    var request = request
    let body = try await request.collectBody(upTo: 64 * 1024)
    var settings = try StartRequest.parse(Array(body.readableBytesView)).settings(defaults: engine.defaults)
    if let retried = settings.retryFailedOf {
      guard try await history.job(retried) != nil else {
        throw APIError(.notFound, code: "job_not_found", message: "no job \(retried) in this output folder's history to retry")
      }
    }
    if let interrupted = try await history.latestJob(), interrupted.status == .interrupted { settings.resumes = interrupted.jobId }
    do {
      let id = try engine.start(settings)
      return EditedResponse(status: .accepted, response: Accepted(message: "Batch processing started", status: .processing, jobId: id))
    } catch BatchEngine.StartError.alreadyRunning(let running) {
      throw APIError(
        .conflict, code: "job_running", message: "a batch job is already running (job \(running)); stop it or wait for it to finish")
    } catch BatchEngine.StartError.shuttingDown {
      throw APIError(.serviceUnavailable, code: "shutting_down", message: "the server is shutting down")
    }
  }

  @Sendable func status(_ request: Request, context: Context) async throws -> ProgressSnapshot {
    engine.snapshot()
  }

  struct ResultsPage: ResponseEncodable {
    var summary: JobSummary?
    var users: [UserResult]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
      case jobId = "job_id"
      case status
      case totalFilesDownloaded = "total_files_downloaded"
      case totalSizeBytes = "total_size_bytes"
      case processingTimeSeconds = "processing_time_seconds"
      case successfulUsers = "successful_users"
      case failedUsers = "failed_users"
      case stoppedUsers = "stopped_users"
      case failedFiles = "failed_files"
      case cancelledFiles = "cancelled_files"
      case users
      case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(summary?.jobId, forKey: .jobId)
      try container.encode(summary?.status ?? .idle, forKey: .status)
      try container.encode(summary?.totalFilesDownloaded ?? 0, forKey: .totalFilesDownloaded)
      try container.encode(summary?.totalSizeBytes ?? 0, forKey: .totalSizeBytes)
      try container.encode(summary?.processingTimeSeconds ?? 0, forKey: .processingTimeSeconds)
      try container.encode(summary?.successfulUsers ?? 0, forKey: .successfulUsers)
      try container.encode(summary?.failedUsers ?? 0, forKey: .failedUsers)
      try container.encode(summary?.stoppedUsers ?? 0, forKey: .stoppedUsers)
      try container.encode(summary?.failedFiles ?? 0, forKey: .failedFiles)
      try container.encode(summary?.cancelledFiles ?? 0, forKey: .cancelledFiles)
      try container.encode(users, forKey: .users)
      try container.encode(nextCursor, forKey: .nextCursor)
    }
  }

  /// The current (or last) job's totals and a page of its per-user results, from the job store.
  @Sendable func resultsPage(_ request: Request, context: Context) async throws -> ResultsPage {
    let query = ListingQuery(request)
    let status = try query.value("status", as: UserResult.Status.self, allowed: [.succeeded, .failed, .stopped])
    let errorCode = try query.errorCode()
    let limit = try query.limit()
    let cursor = try query.cursor()
    guard let summary = try await currentOrLastJob() else { return ResultsPage(summary: nil, users: [], nextCursor: nil) }
    do {
      let page = try await history.users(ofJob: summary.jobId, status: status, errorCode: errorCode, cursor: cursor, limit: limit)
      return ResultsPage(summary: summary, users: page.elements, nextCursor: page.nextCursor)
    } catch let invalid as InvalidCursor {
      throw ListingQuery.invalidCursor(invalid.cursor)
    }
  }

  /// The job this server is running or ran last; after a restart, the last one in the history.
  private func currentOrLastJob() async throws -> JobSummary? {
    if let current = engine.currentSummary() { return current }
    return try await history.latestJob()
  }

  @Sendable func stop(_ request: Request, context: Context) async throws -> EditedResponse<Accepted> {
    var request = request
    try StopRequest.validate(Array(try await request.collectBody(upTo: 64 * 1024).readableBytesView))
    switch engine.stop() {
    case .stopping(let id):
      return EditedResponse(status: .accepted, response: Accepted(message: "Stopping", status: .stopping, jobId: id))
    case .notRunning:
      throw APIError(.conflict, code: "no_job_running", message: "no batch job is running")
    }
  }
}

extension ProgressSnapshot: ResponseEncodable {}
extension JobSummary: ResponseEncodable {}
