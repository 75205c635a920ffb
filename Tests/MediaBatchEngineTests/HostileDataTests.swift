import Foundation
import MediaBatchCore
import MediaBatchEngine
import MediaBatchTesting
import Testing

/// Data a Firebase project should never hold, and a job that must survive it: one bad value fails one item.
@Suite("Hostile data", .timeLimit(.minutes(15)))
struct HostileDataTests {
  @Test("a declared size of Int64.max, or below zero, fails its item as invalid_metadata; the job and its totals go on")
  func impossibleSizesFailTheirItemOnly() async throws {
    // setup
    var user = SourceUser.make(id: "u1", items: 4)
    user.items[0].declaredSize = .max
    user.items[1].declaredSize = -1
    user.items[2].declaredSize = MediaItem.maximumSize + 1
    let other = SourceUser.make(id: "u2", items: 2)
    let store = ScriptedStore(objects: [:])
    var harness = try EngineHarness(source: ListSource([user, other]), store: store)
    defer { harness.directory.remove() }

    // act: twice, as a rerun would
    for run in 0..<2 {
      if run > 0 { harness = try harness.restarted() }
      let events = try await harness.runJob()

      // check
      #expect(events.finalStatus == .completedWithErrors)
      let snapshot = harness.engine.snapshot()
      #expect(snapshot.failedFiles == 3)
      #expect(snapshot.errorCounts == ["invalid_metadata": 3])
      #expect(snapshot.totalBytes >= 0 && snapshot.totalBytes < MediaItem.maximumSize)
      #expect(snapshot.processedUsers == 2)
    }
  }
}

/// Servers that lie: about the size, about the bytes, or that give nothing to check the bytes against.
@Suite("Lying servers", .timeLimit(.minutes(15)))
struct LyingServerTests {
  static let fastRetries = RetryPolicy(maximumAttempts: 6, initialDelay: .zero, maximumDelay: .zero)

  @Test("a body longer than the declared size is cut off as it arrives, not written in full; three tries, then it fails")
  func oversizeBodiesAreCutOff() async throws {
    // setup: 16 bytes declared, 64 MiB sent, on every attempt; a second object lies once, then tells the truth
    let liar = ScriptedStore.bytes(for: "liar", count: 16)
    let store = ScriptedStore(objects: [
      "u1/images/0": .init(bytes: liar, faults: Array(repeating: .oversize(extraBytes: 64 << 20), count: 6)),
      "u1/images/1": .init(bytes: ScriptedStore.bytes(for: "once", count: 3_000), faults: [.oversize(extraBytes: 64 << 20)]),
    ])
    let harness = try EngineHarness(
      source: ListSource([SourceUser.make(id: "u1", items: 2)]), store: store, settings: JobSettings(retry: Self.fastRetries))
    defer { harness.directory.remove() }

    // act
    _ = try await harness.runJob()

    // check
    let snapshot = harness.engine.snapshot()
    #expect(snapshot.errorCounts == ["checksum_mismatch": 1])
    #expect(snapshot.downloadedFiles == 1)
    #expect(store.requests.filter { $0.object == "u1/images/0" }.count == 3)
    #expect(store.servedBytes("u1/images/0") < 1 << 20, "the lying body was read far past its declared size")
    let report = try ExportVerifier(root: harness.outputRoot).verify()
    #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty && report.verifiedFiles == 1)
  }

  @Test("bytes with no hash anywhere fail as unverifiable; with --allow-unverified they are kept, marked unverified")
  func unverifiableBytesAreRefusedUnlessAllowed() async throws {
    for allowed in [false, true] {
      // setup: no x-goog-hash and no hash in the metadata; the body is corrupted in transit
      let store = ScriptedStore(objects: [
        "u1/images/0": .init(
          bytes: ScriptedStore.bytes(for: "x", count: 2_000), faults: [.corrupt], declaresHashes: false, metadataDeclaresHashes: false)
      ])
      var settings = JobSettings(retry: Self.fastRetries)
      settings.allowUnverified = allowed
      let harness = try EngineHarness(source: ListSource([SourceUser.make(id: "u1", items: 1)]), store: store, settings: settings)
      defer { harness.directory.remove() }

      // act
      let events = try await harness.runJob()

      // check
      let report = try ExportVerifier(root: harness.outputRoot).verify()
      let item = try #require(report.manifests.first?.items.first)
      if allowed {
        #expect(events.finalStatus == .completed)
        #expect(item.status == .downloaded && item.unverified)
      } else {
        #expect(events.finalStatus == .completedWithErrors)
        #expect(item.status == .failed && item.error?.code == .unverifiable)
        #expect(report.verifiedFiles == 0 && report.unlistedFiles.isEmpty)
      }
    }
  }

  @Test("a body served without a hash is checked against the object's metadata: a corrupted one is fetched again")
  func metadataHashesCatchCorruption() async throws {
    let bytes = ScriptedStore.bytes(for: "y", count: 5_000)
    let store = ScriptedStore(objects: ["u1/images/0": .init(bytes: bytes, faults: [.corrupt], declaresHashes: false)])
    let harness = try EngineHarness(
      source: ListSource([SourceUser.make(id: "u1", items: 1)]), store: store, settings: JobSettings(retry: Self.fastRetries))
    defer { harness.directory.remove() }
    let events = try await harness.runJob()
    #expect(events.finalStatus == .completed)
    let report = try ExportVerifier(root: harness.outputRoot).verify { _ in bytes }
    #expect(report.problems.isEmpty && report.verifiedFiles == 1)
    #expect(report.manifests.first?.items.first?.unverified == false)
    #expect(store.requests.count == 2)
  }

  @Test("a server that drips its body is given up as stalled and asked again; the next answer completes the file")
  func drippingServersAreRetried() async throws {
    // setup: 4 KB dripped 64 bytes every 40 ms (1.6 KB/s) on the first attempt; the rule wants 20 KB/s over 300 ms
    let bytes = ScriptedStore.bytes(for: "drip", count: 4_000)
    let store = ScriptedStore(objects: ["u1/images/0": .init(bytes: bytes, faults: [.drip(bytes: 64, every: .milliseconds(40))])])
    var retry = Self.fastRetries
    retry.stall = .init(window: .milliseconds(300), minimumBytesPerSecond: 20_000)
    let harness = try EngineHarness(source: ListSource([SourceUser.make(id: "u1", items: 1)]), store: store, settings: JobSettings(retry: retry))
    defer { harness.directory.remove() }

    // act
    let events = try await harness.runJob()

    // check
    #expect(events.finalStatus == .completed)
    let report = try ExportVerifier(root: harness.outputRoot).verify { _ in bytes }
    #expect(report.problems.isEmpty && report.verifiedFiles == 1)
    #expect(report.manifests.first?.items.first?.attempts == 2)
    // The bytes that did arrive are kept: the second request continues from them.
    #expect(store.requests.count == 2 && (store.requests.last?.offset ?? 0) > 0)
  }

  /// `bytes` gzip-compressed by the system's `gzip`.
  static func gzip(_ bytes: [UInt8], in directory: TemporaryDirectory, name: String) throws -> [UInt8] {
    let path = directory.appending(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", "-f", path]
    try process.run()
    process.waitUntilExit()
    return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
  }

  @Test("a gzip-encoded object is verified as stored and saved decompressed (several members too); --keep-gzip keeps it")
  func gzipObjects() async throws {
    let work = try TemporaryDirectory()
    defer { work.remove() }
    let first = Array(String(repeating: "first part of a voice note transcript ", count: 300).utf8)
    let second = Array(String(repeating: "and the second member ", count: 200).utf8)
    let single = try Self.gzip(first, in: work, name: "one")
    let double = single + (try Self.gzip(second, in: work, name: "two"))
    let damaged = Array(single.prefix(single.count / 2))
    for keep in [false, true] {
      let store = ScriptedStore(objects: [
        "u1/voices/0": .init(bytes: single, contentEncoding: "gzip"),
        "u1/voices/1": .init(bytes: double, contentEncoding: "gzip"),
        "u1/voices/2": .init(bytes: damaged, contentEncoding: "gzip"),
      ])
      var settings = JobSettings(retry: Self.fastRetries)
      settings.keepGzip = keep
      let harness = try EngineHarness(
        source: ListSource([SourceUser.make(id: "u1", items: 3, kind: .voices)]), store: store, settings: settings)
      defer { harness.directory.remove() }

      _ = try await harness.runJob()

      let report = try ExportVerifier(root: harness.outputRoot).verify()
      #expect(report.problems.isEmpty && report.unlistedFiles.isEmpty, "\(report.problems)")
      let items = try #require(report.manifests.first).items.sorted { $0.id < $1.id }
      let folder = harness.outputRoot + "/u1_example_com/"
      func onDisk(_ item: ItemOutcome) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: folder + (item.localPath ?? ""))))
      }
      #expect(items.map(\.contentEncoding) == ["gzip", "gzip", "gzip"])
      if keep {
        #expect(try onDisk(items[0]) == single && items[0].storedSize == nil)
        #expect(try onDisk(items[1]) == double)
        #expect(items[2].status == .downloaded, "kept as stored, the damaged object is what the store holds")
      } else {
        #expect(try onDisk(items[0]) == first)
        #expect(items[0].size == Int64(first.count) && items[0].storedSize == Int64(single.count))
        #expect(try onDisk(items[1]) == first + second)
        #expect(items[2].status == .failed && items[2].error?.code == .storeError)
        #expect(items[2].error?.message.contains("gzip") == true)
      }
    }
  }
}
