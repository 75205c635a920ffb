import AsyncHTTPClient
import Crypto
import Foundation
import GoogleCloud
import MediaBatchCore
import MediaBatchFirebase
import MediaBatchTesting
import Testing

/// The built binary against the official Firestore emulator and a storage emulator, seeded with 1,100+ users
/// (so the listing crosses many pages), hostile object names, repeated ids and every bad case.
@Suite("Firebase through the emulators", .oneAtATime, .timeLimit(.minutes(15)))
struct FirebaseEmulatorTests {
  struct SeedManifest: Decodable {
    struct User: Decodable {
      var id: String
      var email: String?
      var expected: String
      var items: [Item]
    }

    struct Item: Decodable {
      var kind: String
      var id: String?
      var bucket: String?
      var object: String?
      var size: Int?
      var sha256: String?
      var expected: String

      enum CodingKeys: String, CodingKey { case kind, id, bucket, object, size, sha256, expected }

      init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        bucket = try container.decodeIfPresent(String.self, forKey: .bucket)
        object = try container.decodeIfPresent(String.self, forKey: .object)
        size = try container.decodeIfPresent(Int.self, forKey: .size)
        sha256 = try container.decodeIfPresent(String.self, forKey: .sha256)
        expected = try container.decode(String.self, forKey: .expected)
      }
    }

    var users: [User]
  }

  @Test("run and serve export a seeded emulator project completely; every bad case ends as its per-item error")
  func exportFromEmulators() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let harness = try await EmulatorHarness.start(
      seedArguments: ["--users", "1100", "--objects-per-user", "3", "--size", "3000", "--edge-cases"],
      workDirectory: directory.path
    )
    do {
      let seed = try JSONDecoder().decode(SeedManifest.self, from: harness.manifest)
      #expect(seed.users.count > 1_100)

      // act: the CLI
      let output = directory.appending("export")
      let run = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--output", output, "--json", "--concurrency", "16"], environment: harness.environment
      )

      // check
      #expect(run.status == 1, "stderr: \(run.error.suffix(3_000))")
      #expect(run.error.contains("Firebase project \(harness.projectID)"))
      let exported = try check(output: output, against: seed)
      let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
      #expect((summary["files"] as? [String: Any])?["downloaded"] as? Int == exported)

      // act: the same export again, into the same folder: every file is current, nothing is transferred
      let rerun = try await ChildProcess.run(
        CLIEndToEndTests.binary, ["run", "--output", output, "--json", "--concurrency", "16"], environment: harness.environment
      )
      let again = try #require(try JSONSerialization.jsonObject(with: Data(rerun.output.utf8)) as? [String: Any])
      #expect((again["files"] as? [String: Any])?["skipped"] as? Int == exported, "stderr: \(rerun.error.suffix(2_000))")
      #expect(again["bytes"] as? Int == 0)
      try await checkListing(harness, seed: seed)

      // act: the same export through `serve` and the API, followed over Server-Sent Events
      let served = directory.appending("served")
      let server = ChildProcess(executable: CLIEndToEndTests.binary, arguments: ["serve", "--port", "0", "--output", served], environment: harness.environment)
      try server.start()
      let listening = await server.errorLine(where: { $0.contains("listening on http://127.0.0.1:") })
      let port = listening.flatMap { line in
        line.range(of: "listening on http://127.0.0.1:").flatMap { line[$0.upperBound...].split(separator: " ").first.map(String.init) }
      }
      let base = "http://127.0.0.1:\(try #require(port, "the server did not start"))"
      let events = ChildProcess(executable: "/usr/bin/curl", arguments: ["-sN", base + "/batch-process-events"])
      try events.start()
      var lines = events.outputLines.makeAsyncIterator()
      while let line = await lines.next(), !line.hasPrefix("event: snapshot") {}
      let start = try await ChildProcess.run("/usr/bin/curl", ["-s", "-X", "POST", "-H", "Content-Type: application/json", base + "/batch-process-users"])
      #expect(start.output.contains("Batch processing started"))
      var finalStatus: String?
      var previous = ""
      while let line = await lines.next() {
        if previous == "event: job", !line.contains("\"processing\""), !line.contains("\"stopping\"") {
          finalStatus = line
          break
        }
        previous = line
      }
      events.signal(SIGTERM)
      _ = await events.wait()
      #expect(finalStatus?.contains("completed_with_errors") == true)
      let results = try await ChildProcess.run("/usr/bin/curl", ["-s", base + "/batch-process-results?status=failed&limit=1000"])
      let json = try #require(try JSONSerialization.jsonObject(with: Data(results.output.utf8)) as? [String: Any])
      #expect(json["total_files_downloaded"] as? Int == exported)
      // The Google API calls, as histograms by service, method and status.
      let metrics = try await ChildProcess.run("/usr/bin/curl", ["-s", base + "/metrics"]).output
      for series in [
        #"mediabatch_google_api_request_duration_seconds_bucket{service="firestore",method="runQuery",status="200",le="+Inf"}"#,
        #"mediabatch_google_api_request_duration_seconds_bucket{service="firestore",method="batchGet",status="200",le="+Inf"}"#,
        #"mediabatch_google_api_request_duration_seconds_count{service="storage",method="objects.get.media",status="200"}"#,
        #"mediabatch_google_api_request_duration_seconds_count{service="storage",method="objects.get.media",status="404"}"#,
      ] {
        #expect(metrics.contains(series), "\(series) is not in /metrics")
      }
      server.signal(SIGTERM)
      let serverExit = await server.wait()
      #expect(serverExit.status == 0)
      #expect(try check(output: served, against: seed) == exported)

      // act: inspect the schema
      let inspect = try await ChildProcess.run(CLIEndToEndTests.binary, ["inspect", "--sample", "40"], environment: harness.environment)
      #expect(inspect.status == 0, "stderr: \(inspect.error)")
      #expect(inspect.output.contains("sampled 40 users"))
      #expect(inspect.output.contains("Kind images: ids from imageIds, metadata in images"))
      #expect(inspect.output.contains("imageIds") && inspect.output.contains("array of strings"))
      #expect(inspect.output.contains("users_collection: email_users"))
    } catch {
      await harness.stop()
      throw error
    }
    await harness.stop()
  }

  /// Checks an export against what was loaded into the emulators: every object expected to download is on disk with
  /// the uploaded bytes (SHA-256), every bad case is its error. Returns how many files were verified.
  /// The listing an unchanged rerun reads instead of asking object by object: a user folder's page holds each of the
  /// user's objects with its generation, an empty folder lists nothing, and a prefix with more objects than the limit
  /// gives no answer (the engine then asks object by object).
  private func checkListing(_ harness: EmulatorHarness, seed: SeedManifest) async throws {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let store = CloudStorageStore(
      client: CloudStorageClient(http: GoogleHTTP(client: http, authorization: .none), baseURL: "http://127.0.0.1:\(harness.storagePort)"))
    do {
      let user = try #require(
        seed.users.first { user in
          user.items.count >= 2 && user.items.allSatisfy { $0.expected == "downloaded" && $0.bucket == harness.defaultBucket }
        })
      let prefix = "users/\(user.id)/"
      let objects = user.items.compactMap(\.object).filter { $0.hasPrefix(prefix) }
      #expect(objects.count >= 2)
      let listed = try #require(try await store.currentGenerations(inBucket: harness.defaultBucket, prefix: prefix, limit: 1_000))
      #expect(Set(listed.keys) == Set(objects))
      #expect(listed.values.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) })
      #expect(try await store.currentGenerations(inBucket: harness.defaultBucket, prefix: "no-such-folder/", limit: 10) == [:])
      #expect(try await store.currentGenerations(inBucket: harness.defaultBucket, prefix: "users/", limit: 10) == nil)
    } catch {
      try await http.shutdown()
      throw error
    }
    try await http.shutdown()
  }

  func check(output: String, against seed: SeedManifest) throws -> Int {
    let report = try ExportVerifier(root: output).verify()
    #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
    #expect(report.unlistedFiles.isEmpty, "\(report.unlistedFiles.prefix(5))")
    let manifests = Dictionary(report.manifests.map { ($0.userId, $0) }, uniquingKeysWith: { first, _ in first })
    var verified = 0
    for user in seed.users {
      guard let manifest = manifests[user.id] else {
        Issue.record("no manifest for user \(user.id)")
        continue
      }
      if user.expected == "invalid_ids" {
        #expect(manifest.items.contains { $0.error?.code == .invalidMetadata && $0.id.hasSuffix("Ids") }, "\(user.id)")
      }
      for item in user.items {
        let exported = manifest.items.first { $0.kind.name == item.kind && $0.id == item.id }
        switch item.expected {
        case "downloaded":
          guard let exported, exported.status == .downloaded, let path = exported.localPath else {
            Issue.record("\(user.id) \(item.kind)/\(item.id ?? "?") was not downloaded: \(String(describing: exported?.error))")
            continue
          }
          let bytes = try Data(contentsOf: URL(fileURLWithPath: output + "/" + manifest.folder + "/" + path))
          #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == item.sha256, "\(path)")
          #expect(exported.location == ObjectLocation(bucket: item.bucket ?? "", object: item.object ?? ""))
          verified += 1
        case "metadata_missing", "not_found":
          #expect(exported?.status == .failed && exported?.error?.code.rawValue == item.expected, "\(user.id) \(item.id ?? "?")")
        case "invalid_metadata":
          let code = exported?.error?.code
          #expect(code == .invalidLocation || code == .invalidMetadata, "\(user.id) \(item.id ?? "?"): \(String(describing: code))")
        case "invalid_id":
          #expect(manifest.items.contains { $0.error?.code == .invalidMetadata && $0.id.contains("[") }, "\(user.id)")
        default:
          Issue.record("unknown expectation \(item.expected)")
        }
      }
    }
    #expect(verified == report.verifiedFiles)
    return verified
  }
}
