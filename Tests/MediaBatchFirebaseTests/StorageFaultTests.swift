import AsyncHTTPClient
import Foundation
import GoogleCloud
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MediaBatchCore
import MediaBatchEngine
import MediaBatchFirebase
import MediaBatchJobStore
import MediaBatchTesting
import Synchronization
import Testing
import Toolbox

/// The Cloud Storage client and the engine over real sockets, against a stand-in that answers like Cloud Storage
/// (x-goog-hash, x-goog-generation, 206 + Content-Range for ranges, generation pinning) and misbehaves on cue.
@Suite("Cloud Storage faults over the wire", .timeLimit(.minutes(15)))
struct StorageFaultTests {
  enum Fault: Sendable {
    case dropAfter(Int)
    case status(Int, retryAfter: String?)
    case flipByte
  }

  /// What the stand-in saw: per object, the Range and generation of every request.
  final class Log: Sendable {
    let requests = Mutex<[(object: String, range: String?, generation: String?)]>([])
  }

  static let objects: [String: [UInt8]] = Dictionary(
    uniqueKeysWithValues: ["dropped", "unavailable", "limited", "flipped", "plain"].map { ($0, ScriptedStore.bytes(for: $0, count: 300_000)) }
  )

  static func server(faults: [String: [Fault]], log: Log) -> some ApplicationProtocol {
    let remaining = Mutex(faults)
    let router = Router()
    router.get("/storage/v1/b/bucket/o/:object") { request, context -> Response in
      let object = try context.parameters.require("object")
      let range = request.headers[.range]
      let generation = request.uri.queryParameters.get("generation")
      log.requests.withLock { $0.append((object, range, generation)) }
      guard let bytes = objects[object] else { return Response(status: .notFound) }
      if let generation, generation != "7" { return Response(status: .notFound) }
      let crc = CRC32C.checksum(bytes)
      let crcBase64 = Base64.encode([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: crc >> $0) })
      guard request.uri.queryParameters.get("alt") == "media" else {
        // The object resource, as the JSON API answers it.
        let json = #"{"bucket":"bucket","name":"\#(object)","generation":"7","size":"\#(bytes.count)","crc32c":"\#(crcBase64)"}"#
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: json)))
      }
      let fault = remaining.withLock { faults -> Fault? in
        guard var list = faults[object], !list.isEmpty else { return nil }
        defer { faults[object] = list }
        return list.removeFirst()
      }
      var start = 0
      var end = bytes.count  // exclusive
      var status = HTTPResponse.Status.ok
      var headers = HTTPFields()
      if let range, range.hasPrefix("bytes=") {
        // `bytes=a-` or `bytes=a-b` (b inclusive)
        let bounds = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        if let from = bounds.first.flatMap({ Int($0) }) {
          start = from
          if bounds.count == 2, let last = Int(bounds[1]) { end = min(bytes.count, last + 1) }
          status = .partialContent
          headers[.contentRange] = "bytes \(start)-\(end - 1)/\(bytes.count)"
        }
      }
      if let name = HTTPField.Name("x-goog-hash") { headers[name] = "crc32c=" + crcBase64 }
      if let name = HTTPField.Name("x-goog-generation") { headers[name] = "7" }
      var body = Array(bytes[start..<end])
      switch fault {
      case .status(let code, let retryAfter)?:
        var errorHeaders = HTTPFields()
        if let retryAfter { errorHeaders[.retryAfter] = retryAfter }
        let json = #"{"error":{"code":\#(code),"message":"try later","errors":[{"reason":"backendError"}]}}"#
        return Response(status: .init(code: code), headers: errorHeaders, body: .init(byteBuffer: ByteBuffer(string: json)))
      case .dropAfter(let count)?:
        headers[.contentLength] = String(body.count)
        let prefix = Array(body.prefix(count))
        return Response(
          status: status, headers: headers,
          body: ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: prefix))
            throw CancellationError()
          }
        )
      case .flipByte?:
        body[body.count / 2] ^= 0xFF
      case nil:
        break
      }
      return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
  }

  /// One job of one user with `items`, through the Cloud Storage store over `storage`, to its end.
  static func runJob(items: [MediaItem], storage: CloudStorageClient, into root: String, settings: JobSettings) async throws -> BatchEngine {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let engine = BatchEngine(
      source: ListSource([SourceUser(id: "u", email: "u@example.com", items: items)]), store: CloudStorageStore(client: storage),
      layout: OutputLayout(root: root), defaults: settings, jobStore: try SQLiteJobStore(inMemoryWith: logger), logger: logger
    )
    let events = engine.events.subscribe(bufferSize: 10_000)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await engine.run() }
      _ = try engine.start(engine.defaults)
      engine.finishAfterCurrentJob()
      for await envelope in events {
        if case .state(_, let status) = envelope.event, !status.isActive { break }
      }
      try await group.waitForAll()
    }
    return engine
  }

  @Test("a dropped body resumes with Range pinned to its generation; 503 and 429 are retried; a flipped byte is fetched again")
  func faultsAreSurvived() async throws {
    let log = Log()
    let app = Self.server(
      faults: [
        "dropped": [.dropAfter(100_000)], "unavailable": [.status(503, retryAfter: "0")],
        "limited": [.status(429, retryAfter: "0")], "flipped": [.flipByte],
      ],
      log: log
    )
    try await app.test(.live) { client in
      let port = try #require(client.port)
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: .none), baseURL: "http://127.0.0.1:\(port)")
      let items = Self.objects.keys.sorted().map { name in
        MediaItem(id: name, kind: .images, location: ObjectLocation(bucket: "bucket", object: name), originalName: name + ".bin")
      }
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      let engine = try await Self.runJob(
        items: items, storage: storage, into: directory.path,
        settings: JobSettings(retry: RetryPolicy(initialDelay: .zero, maximumDelay: .zero)))
      try await http.shutdown()

      #expect(engine.snapshot().status == .completed)
      let report = try ExportVerifier(root: directory.path).verify { Self.objects[$0.object] }
      #expect(report.problems.isEmpty && report.verifiedFiles == 5)
      let attempts = Dictionary(uniqueKeysWithValues: (report.manifests.first?.items ?? []).map { ($0.id, $0.attempts) })
      #expect(attempts == ["dropped": 2, "unavailable": 2, "limited": 2, "flipped": 2, "plain": 1])
      let dropped = log.requests.withLock { $0.filter { $0.object == "dropped" } }
      #expect(dropped.count == 2)
      // The resume starts where the received bytes end (how many arrived before the drop depends on the socket).
      let resumedFrom = dropped.last?.range.flatMap { Int($0.dropFirst(6).dropLast()) } ?? 0
      #expect(resumedFrom > 0 && resumedFrom <= 100_000, "\(String(describing: dropped.last?.range))")
      #expect(dropped.last?.generation == "7")
    }
  }

  @Test("a large object is fetched over the wire as bounded ranges pinned to its generation; a dropped slice asks for its rest")
  func largeObjectsAreSliced() async throws {
    let log = Log()
    let app = Self.server(faults: ["dropped": [.dropAfter(30_000)]], log: log)
    try await app.test(.live) { client in
      let port = try #require(client.port)
      let http = HTTPClient(eventLoopGroupProvider: .singleton)
      let storage = CloudStorageClient(http: GoogleHTTP(client: http, authorization: .none), baseURL: "http://127.0.0.1:\(port)")
      let items = ["dropped", "plain"].map { name in
        MediaItem(
          id: name, kind: .images, location: ObjectLocation(bucket: "bucket", object: name), originalName: name + ".bin",
          declaredSize: 300_000)
      }
      let directory = try TemporaryDirectory()
      defer { directory.remove() }
      var settings = JobSettings(retry: RetryPolicy(initialDelay: .zero, maximumDelay: .zero))
      settings.slicing = Slicing(threshold: 100_000, maximumSlices: 4, minimumSliceSize: 50_000)
      let engine = try await Self.runJob(items: items, storage: storage, into: directory.path, settings: settings)
      try await http.shutdown()

      #expect(engine.snapshot().status == .completed)
      let report = try ExportVerifier(root: directory.path).verify { Self.objects[$0.object] }
      #expect(report.problems.isEmpty && report.verifiedFiles == 2)
      let slices = ["bytes=0-74999", "bytes=75000-149999", "bytes=150000-224999", "bytes=225000-299999"]
      let plain = log.requests.withLock { $0.filter { $0.object == "plain" } }
      // The metadata first (no range), then the four slices, each pinned to generation 7.
      #expect(plain.first?.range == nil && plain.first?.generation == nil)
      #expect(Set(plain.dropFirst().compactMap(\.range)) == Set(slices) && plain.count == 5)
      #expect(plain.dropFirst().allSatisfy { $0.generation == "7" })
      let dropped = log.requests.withLock { $0.filter { $0.object == "dropped" }.compactMap(\.range) }
      #expect(dropped.count == 5, "\(dropped)")
      let resumed = Set(dropped).subtracting(slices)
      #expect(resumed.count == 1, "\(dropped)")
      // The rest of one slice: from past its start (how far depends on the socket) to the slice's own end.
      let rest = try #require(resumed.first)
      #expect(slices.contains { slice in slice.split(separator: "-").last == rest.split(separator: "-").last && slice != rest }, "\(rest)")
    }
  }
}
