import Foundation
import MediaBatchCore
import MediaBatchDemo
import MediaBatchTesting
import Testing

/// A disk that fills up stops the job cleanly: status `failed`, a message that names the folder and the space left,
/// nothing lost that was verified, and the next run (with space) finishes the export.
@Suite("A disk that fills up", .timeLimit(.minutes(15)))
struct DiskFullTests {
  static let users = 40

  /// Mounts a tmpfs of `size` at a new folder; `nil` where mounting is not permitted.
  static func mountTmpfs(size: String) async throws -> String? {
    let point = NSTemporaryDirectory() + "mediabatch-full-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
    let mount = try await ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", point])
    guard mount.status == 0 else {
      try? FileManager.default.removeItem(atPath: point)
      return nil
    }
    return point
  }

  static func unmount(_ point: String) async {
    _ = try? await ChildProcess.run("/bin/umount", [point])
    try? FileManager.default.removeItem(atPath: point)
  }

  func run(_ output: String, users: Int = Self.users, shell prefix: String = "") async throws -> (status: Int32, output: String, error: String) {
    let command = "\(prefix)exec '\(CLIEndToEndTests.binary)' run --source demo --demo-users \(users) --output '\(output)' --concurrency 4"
    return try await ChildProcess.run("/bin/bash", ["-c", command])
  }

  func checkFinished(_ output: String) async throws {
    let catalog = DemoCatalog(userCount: Self.users, includesEdgeCases: false)
    let store = DemoStore(catalog: catalog)
    let report = try ExportVerifier(root: output).verify { store.expectedObject($0)?.bytes }
    #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
    #expect(report.unlistedFiles.isEmpty, "\(report.unlistedFiles.prefix(5))")
    #expect(report.verifiedFiles == (0..<Self.users).reduce(0) { $0 + catalog.user(at: $1).items.count })
  }

  @Test("on a tmpfs that really fills up, the job fails naming the folder and the free space; with room, the next run finishes")
  func realFullDisk() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    guard let point = try await Self.mountTmpfs(size: "2m") else {
      print("DiskFullTests: mounting a tmpfs is not permitted here; the injected file-size limit test covers the code path")
      return
    }
    defer { Task { await Self.unmount(point) } }
    let output = point + "/export"

    // act
    let full = try await run(output)

    // check
    #expect(full.status == 2, "stdout: \(full.output)\nstderr: \(full.error)")
    #expect(full.output.contains("Status: failed"))
    #expect(full.output.contains("is full") && full.output.contains(output) && full.output.contains("free"), "\(full.output)")
    // Every file on disk is whole: verify finds no damaged file (missing ones are the rest of the export).
    let report = try ExportVerifier(root: output).verify()
    #expect(!report.findings.contains { $0.kind == .sizeMismatch || $0.kind == .checksumMismatch })

    // act: room again
    let grow = try await ChildProcess.run("/bin/mount", ["-o", "remount,size=64m", point])
    try #require(grow.status == 0)
    let again = try await run(output)
    #expect(again.status == 0, "stdout: \(again.output)\nstderr: \(again.error)")
    try await checkFinished(output)
  }

  @Test("a write refused for space (injected: a file size limit, EFBIG) stops the job as failed; the next run finishes")
  func injectedFullDisk() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: CLIEndToEndTests.binary), "build mediabatch first")
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")

    // setup: the job store exists already (its first migration writes more than the limit below)
    #expect(try await run(output, users: 1).status == 0)

    // act: every file over 64 KiB fails to be written (SIGXFSZ ignored, so the write fails with EFBIG)
    let limited = try await run(output, shell: "trap '' XFSZ; ulimit -f 64; ")

    // check
    #expect(limited.status == 2, "stdout: \(limited.output)\nstderr: \(limited.error)")
    #expect(limited.output.contains("Status: failed") && limited.output.contains("Free some space"), "\(limited.output)")
    let again = try await run(output)
    #expect(again.status == 0, "stdout: \(again.output)\nstderr: \(again.error)")
    try await checkFinished(output)
  }
}
