import Foundation
import Hummingbird
import HummingbirdTesting
import MediaBatchCore
import MediaBatchTesting
import NIOCore
import Testing

@Suite("Job history API", .timeLimit(.minutes(15)))
struct HistoryAPITests {
  @Test("jobs, per-user and per-item results survive a restart: paged, filtered by status and error code")
  func historySurvivesRestart() async throws {
    let first = try ServerHarness.demo(users: 12, edgeCases: true, persistent: true)
    defer { first.directory.remove() }
    let jobId = try await first.application().test(.router) { client in
      try await first.untilJobEnds {
        try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
      }
      return try #require(try await first.history.latestJob()?.jobId)
    }

    // A new server process on the same output folder.
    let restarted = try ServerHarness.demo(users: 12, edgeCases: true, directory: first.directory, persistent: true)
    try await restarted.application().test(.router) { client in
      try await client.execute(uri: "/jobs", method: .get) { response in
        let jobs = response.json["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.compactMap { $0["job_id"] as? String } == [jobId])
        #expect(jobs.first?["status"] as? String == "completed_with_errors")
        #expect((jobs.first?["settings"] as? [String: Any])?["concurrency"] as? Int == 8)
      }
      try await client.execute(uri: "/batch-process-results", method: .get) { response in
        #expect(response.json["job_id"] as? String == jobId)
        #expect(response.json["failed_users"] as? Int == 2)
        #expect((response.json["users"] as? [Any])?.count == 16)
      }
      var seen: [String] = []
      var cursor: String?
      repeat {
        let uri = "/jobs/\(jobId)/items?limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
        cursor = try await client.execute(uri: uri, method: .get) { response in
          #expect(response.status == .ok)
          let items = response.json["items"] as? [[String: Any]] ?? []
          #expect(items.count <= 7)
          seen += items.map { item in "\(item["user_id"] ?? "")/\(item["kind"] ?? "")/\(item["id"] ?? "")" }
          return response.json["next_cursor"] as? String
        }
      } while cursor != nil
      let total = try await restarted.history.itemCounts(ofJob: jobId).values.reduce(0, +)
      #expect(seen.count == total && Set(seen).count == total && total > 40)

      try await client.execute(uri: "/jobs/\(jobId)/items?error_code=not_found", method: .get) { response in
        let items = response.json["items"] as? [[String: Any]] ?? []
        #expect(!items.isEmpty)
        #expect(items.allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "not_found" && $0["status"] as? String == "failed" })
      }
      try await client.execute(uri: "/jobs/\(jobId)/users?status=failed", method: .get) { response in
        let users = response.json["users"] as? [[String: Any]] ?? []
        #expect(users.compactMap { $0["user_id"] as? String }.sorted() == ["edge-bad-shape", "edge-hostile-names"])
      }
      try await client.execute(uri: "/jobs/\(jobId)/users?error_code=checksum_mismatch", method: .get) { response in
        let users = response.json["users"] as? [[String: Any]] ?? []
        #expect(users.compactMap { $0["user_id"] as? String } == ["edge-hostile-names"])
      }
      for (uri, code) in [
        ("/jobs/\(jobId)/items?status=done", "invalid_query"), ("/jobs/\(jobId)/users?cursor=x1", "invalid_query"),
        ("/jobs/\(jobId)/items?error_code=NotFound", "invalid_query"), ("/jobs/\(jobId)/items?limit=0", "invalid_query"),
      ] {
        try await client.execute(uri: uri, method: .get) { response in
          #expect(response.status == .badRequest, "\(uri)")
          #expect(response.errorCode == code)
        }
      }
      try await client.execute(uri: "/jobs/20990101-000000-0000/users", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(response.errorCode == "job_not_found")
      }
    }
  }

  @Test("retry_failed_of starts a job over the failed items of an earlier job only")
  func retryThroughTheAPI() async throws {
    let harness = try ServerHarness.demo(users: 6, edgeCases: true)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
      }
      let failedJob = try #require(try await harness.history.latestJob()?.jobId)
      let failedFiles = try #require(try await harness.history.job(failedJob)?.failedFiles)
      try await harness.untilJobEnds {
        try await client.post(
          uri: "/batch-process-users", body: ByteBuffer(string: "{\"retry_failed_of\": \"\(failedJob)\"}")
        ) { #expect($0.status == .accepted) }
      }
      let retryJob = try #require(try await harness.history.latestJob()?.jobId)
      #expect(retryJob != failedJob)
      try await client.execute(uri: "/jobs/\(retryJob)", method: .get) { response in
        #expect((response.json["settings"] as? [String: Any])?["retry_failed_of"] as? String == failedJob)
        #expect(response.json["total_users"] as? Int == 2)
        #expect(response.json["failed_files"] as? Int == failedFiles)
        #expect(response.json["total_files_downloaded"] as? Int == 0)
      }
    }
  }
}
