import Foundation
import HummingbirdTesting
import MediaBatchCore
import MediaBatchEngine
import MediaBatchServer
import MediaBatchTesting
import NIOCore
import Testing

@Suite("Batch API", .timeLimit(.minutes(15)))
struct BatchAPITests {
  @Test("start, status, results: a demo job through the compatible API's endpoints, with its keys and true values")
  func compatibleEndpoints() async throws {
    let harness = try ServerHarness.demo(users: 25, edgeCases: true)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      // act
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users") { response in
          #expect(response.status == .accepted)
          #expect(response.json["message"] as? String == "Batch processing started")
          #expect(response.json["status"] as? String == "processing")
          #expect(response.json["job_id"] is String)
        }
      }

      // check
      try await client.execute(uri: "/batch-process-status", method: .get) { response in
        let status = response.json
        #expect(status["status"] as? String == "completed_with_errors")
        for key in ["total_users", "processed_users", "current_user", "errors", "total_files", "downloaded_bytes", "eta_seconds"] {
          #expect(status.keys.contains(key), "status lacks \(key)")
        }
        #expect(status["total_users"] as? Int == 29 && status["processed_users"] as? Int == 29)
        #expect((status["errors"] as? [Any])?.count == 4)
      }
      try await client.execute(uri: "/batch-process-results?limit=1000", method: .get) { response in
        let results = response.json
        let users = results["users"] as? [[String: Any]] ?? []
        #expect(users.count == 29)
        let files = users.reduce(0) { $0 + ($1["files_downloaded"] as? Int ?? 0) }
        let bytes = users.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) }
        #expect(results["total_files_downloaded"] as? Int == files)
        #expect(results["total_size_bytes"] as? Int == bytes)
        #expect(results["successful_users"] as? Int == users.filter { $0["status"] as? String == "succeeded" }.count)
        #expect(results["failed_users"] as? Int == 2)
        #expect((results["processing_time_seconds"] as? Double ?? 0) > 0)
        #expect(results["next_cursor"] is NSNull)
      }
      let report = try ExportVerifier(root: harness.directory.appending("out")).verify()
      #expect(report.problems.isEmpty && report.verifiedFiles > 0)
      try await client.execute(uri: "/metrics", method: .get) { response in
        let text = String(buffer: response.body)
        #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
        #expect(text.contains("mediabatch_items_total{status=\"downloaded\"} \(report.verifiedFiles)"), "\(text.prefix(2_000))")
        #expect(text.contains("mediabatch_item_errors_total{code=\"not_found\"} 1"))
        #expect(text.contains("mediabatch_jobs_total{status=\"completed_with_errors\"} 1"))
      }
    }
  }

  @Test("a second start while a job runs gets 409; stop ends it as stopped; stopping nothing gets 409")
  func conflictAndStop() async throws {
    let store = GatedStore()
    let harness = try ServerHarness(source: ListSource((0..<3).map { SourceUser.make(id: "u\($0)", items: 4) }), store: store)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      var opened = store.opened.makeAsyncIterator()
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
        _ = await opened.next()
        try await client.post(uri: "/batch-process-users") { response in
          #expect(response.status == .conflict)
          #expect(response.errorCode == "job_running")
        }
        try await client.post(uri: "/batch-process-stop") { response in
          #expect(response.status == .accepted)
          #expect(response.json["status"] as? String == "stopping")
        }
        store.releaseAll()
      }
      try await client.execute(uri: "/batch-process-status", method: .get) { #expect($0.json["status"] as? String == "stopped") }
      try await client.post(uri: "/batch-process-stop") { response in
        #expect(response.status == .conflict)
        #expect(response.errorCode == "no_job_running")
      }
      try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
    }
  }

  @Test(
    "bad requests get a 4xx with a JSON error body, never a 500",
    arguments: [
      ("{not json", 400, "invalid_body"),
      ("{\"users\": \"everyone\"}", 400, "invalid_body"),
      ("{\"user\": [\"a\"]}", 400, "unknown_field"),
      ("{\"retry_failed_of\": \"j1\"}", 404, "job_not_found"),
      ("{\"retry_failed_of\": \"\"}", 400, "invalid_body"),
      ("[1, 2]", 400, "invalid_body"),
      ("{\"kinds\": []}", 400, "invalid_body"),
    ]
  )
  func badStartBodies(body: String, status: Int, code: String) async throws {
    let harness = try ServerHarness.demo()
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await client.post(uri: "/batch-process-users", body: ByteBuffer(string: body)) { response in
        #expect(response.status.code == status)
        #expect(response.errorCode == code)
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
      }
      try await client.execute(uri: "/batch-process-status", method: .get) { #expect($0.json["status"] as? String == "idle") }
    }
  }

  @Test(
    "a stop request's body is empty or {}: anything else is refused before it is looked at",
    arguments: [
      ("", 409, "no_job_running"), (" \n", 409, "no_job_running"), ("{}", 409, "no_job_running"), (" { } ", 409, "no_job_running"),
      ("{\"job_id\": \"x\"}", 400, "invalid_body"), ("[]", 400, "invalid_body"), ("{not json", 400, "invalid_body"),
      ("null", 400, "invalid_body"),
    ]
  )
  func stopBodies(body: String, status: Int, code: String) async throws {
    let harness = try ServerHarness.demo()
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await client.post(uri: "/batch-process-stop", body: ByteBuffer(string: body)) { response in
        #expect(response.status.code == status)
        #expect(response.errorCode == code)
      }
    }
  }

  @Test("a known path with the wrong method gets 405 with Allow; an unknown API path gets a JSON 404")
  func methodsAndPaths() async throws {
    let harness = try ServerHarness.demo()
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await client.execute(uri: "/batch-process-users", method: .get) { response in
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers[.allow] == "POST, OPTIONS")
        #expect(response.errorCode == "method_not_allowed")
      }
      try await client.execute(uri: "/batch-process-status", method: .delete) { #expect($0.status == .methodNotAllowed) }
      try await client.execute(uri: "/batch-process-nothing", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(response.errorCode == "not_found")
      }
      try await client.post(uri: "/nothing") { #expect($0.errorCode == "not_found") }
      try await client.execute(uri: "/batch-process-results?status=maybe", method: .get) { #expect($0.errorCode == "invalid_query") }
      try await client.execute(uri: "/batch-process-results?limit=0", method: .get) { #expect($0.errorCode == "invalid_query") }
      try await client.execute(uri: "/batch-process-results?cursor=abc", method: .get) { #expect($0.errorCode == "invalid_query") }
      try await client.execute(uri: "/jobs/nope", method: .get) { #expect($0.errorCode == "job_not_found") }
      try await client.execute(uri: "/jobs?cursor=abc", method: .get) { response in
        #expect(response.status == .badRequest)
        #expect(response.errorCode == "invalid_query")
      }
      try await client.execute(uri: "/healthz", method: .get) { response in
        #expect(response.status == .ok)
        #expect(response.json["status"] as? String == "ok")
      }
      try await client.execute(uri: "/openapi.yaml", method: .get) { response in
        let spec = String(buffer: response.body)
        #expect(response.status == .ok)
        #expect(spec.hasPrefix("openapi: 3"))
        for path in ["/batch-process-users", "/batch-process-status", "/batch-process-results", "/batch-process-stop",
          "/batch-process-events", "/jobs", "/jobs/{id}", "/jobs/{id}/users", "/jobs/{id}/items", "/healthz", "/metrics", "/openapi.yaml",
        ] {
          #expect(spec.contains("\n  \(path):"), "the API description lacks \(path)")
        }
      }
    }
  }

  @Test("results page through every user with a cursor, and filter by status")
  func resultsPaging() async throws {
    let harness = try ServerHarness.demo(users: 23, edgeCases: true)
    defer { harness.directory.remove() }
    try await harness.application().test(.router) { client in
      try await harness.untilJobEnds {
        try await client.post(uri: "/batch-process-users") { #expect($0.status == .accepted) }
      }
      var seen: [String] = []
      var cursor: String?
      repeat {
        let uri = "/batch-process-results?limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
        cursor = try await client.execute(uri: uri, method: .get) { response in
          let users = response.json["users"] as? [[String: Any]] ?? []
          #expect(users.count <= 5)
          seen += users.compactMap { $0["user_id"] as? String }
          return response.json["next_cursor"] as? String
        }
      } while cursor != nil
      #expect(seen.count == 27 && Set(seen).count == 27)
      try await client.execute(uri: "/batch-process-results?status=failed", method: .get) { response in
        let users = response.json["users"] as? [[String: Any]] ?? []
        #expect(users.compactMap { $0["user_id"] as? String }.sorted() == ["edge-bad-shape", "edge-hostile-names"])
        #expect(users.allSatisfy { ($0["errors"] as? [Any])?.isEmpty == false })
      }
      try await client.execute(uri: "/jobs", method: .get) { response in
        let jobs = response.json["jobs"] as? [[String: Any]] ?? []
        #expect(jobs.count == 1)
        #expect(jobs.first?["status"] as? String == "completed_with_errors")
        let id = jobs.first?["job_id"] as? String ?? ""
        try await client.execute(uri: "/jobs/\(id)", method: .get) { #expect($0.json["total_users"] as? Int == 27) }
      }
    }
  }
}
