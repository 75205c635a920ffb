import Foundation
import MediaBatchCore
import MediaBatchEngine
import MediaBatchTesting
import Testing

/// Where the job store and the lock live: `--state-dir`, the default for shards, and the refusal of a state folder on
/// a network or FUSE file system.
@Suite("State folder", .timeLimit(.minutes(5)))
struct StateDirectoryTests {
  let binary = CLIEndToEndTests.binary

  @Test("--state-dir keeps the job store and the lock out of the output folder; jobs finds them there")
  func stateElsewhere() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let state = directory.appending("local/state")

    let run = try await ChildProcess.run(
      binary, ["run", "--source", "demo", "--demo-users", "6", "--output", output, "--state-dir", state, "--json"])

    #expect(run.status == 0, "\(run.error)")
    #expect(FileManager.default.fileExists(atPath: state + "/state.sqlite"))
    #expect(FileManager.default.fileExists(atPath: state + "/lock"))
    #expect(!FileManager.default.fileExists(atPath: output + "/.mediabatch/state.sqlite"))
    #expect(FileManager.default.fileExists(atPath: output + "/.mediabatch/runs/run.json"))
    let jobs = try await ChildProcess.run(binary, ["jobs", output, "--state-dir", state])
    #expect(jobs.status == 0 && jobs.output.contains("completed"), "\(jobs.output) \(jobs.error)")
    let missing = try await ChildProcess.run(binary, ["jobs", output])
    #expect(missing.status != 0 && missing.error.contains("no job history"), "\(missing.error)")
  }

  @Test("a shard keeps its state in a folder of its own, so shards can share an output folder")
  func shardDefault() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let output = directory.appending("export")
    let run = try await ChildProcess.run(
      binary, ["run", "--source", "demo", "--demo-users", "6", "--output", output], environment: Self.environment(["BATCH_TASK_INDEX": "1", "BATCH_TASK_COUNT": "3"]))
    #expect(run.status == 0, "\(run.error)")
    #expect(run.error.contains("shard 1/3"), "\(run.error)")
    #expect(FileManager.default.fileExists(atPath: output + "/.mediabatch/shard-1-of-3/state.sqlite"))
    #expect(FileManager.default.fileExists(atPath: output + "/.mediabatch/runs/shard-1-of-3.json"))
    let jobs = try await ChildProcess.run(binary, ["jobs", output])
    #expect(jobs.error.contains("--state-dir \(output)/.mediabatch/shard-1-of-3"), "\(jobs.error)")
  }

  @Test("network and FUSE file systems are told from local ones by their statfs magic number")
  func classification() {
    #expect(StateFileSystem(magic: 0x6969) == .unsuitable("NFS"))
    #expect(StateFileSystem(magic: 0xFF53_4D42) == .unsuitable("CIFS"))
    guard case .unsuitable(let fuse) = StateFileSystem(magic: 0x6573_5546) else {
      Issue.record("FUSE is not refused")
      return
    }
    #expect(fuse.hasPrefix("FUSE"))
    #expect(StateFileSystem(magic: 0xEF53) == .local)  // ext2/3/4
    #expect(StateFileSystem(magic: 0x0102_1994) == .local)  // tmpfs
    #expect(StateFileSystem.of("/proc/self") != nil)
  }

  /// A real FUSE mount (bindfs) as the state folder: the run is refused before it writes anything, with what to do.
  @Test(
    "a state folder on a FUSE mount is refused with what to do",
    .enabled(if: getuid() == 0 && FileManager.default.fileExists(atPath: "/dev/fuse"), "mounting a FUSE file system needs root and /dev/fuse"))
  func fuseRefused() async throws {
    let bindfs = ["/usr/bin/bindfs", "/bin/bindfs"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let mountPoint = try TemporaryDirectory()
    let backing = try TemporaryDirectory()
    defer {
      backing.remove()
      mountPoint.remove()
    }
    let tool = try #require(bindfs, "bindfs is missing: scripts/setup installs it")
    // bindfs mounts, then goes on in the background, holding whatever descriptors it was given until the unmount:
    // started through system(3), whose end (the mount is in place) is all that is waited for.
    let status = system("'\(tool)' '\(backing.path)' '\(mountPoint.path)' </dev/null >/dev/null 2>&1")
    try #require(status == 0, "bindfs could not mount \(mountPoint.path)")
    defer { _ = umount2(mountPoint.path, Int32(MNT_DETACH)) }
    #expect(StateFileSystem.of(mountPoint.path) != .local)

    let output = backing.appending("export-elsewhere")
    let run = try await ChildProcess.run(binary, ["run", "--source", "demo", "--demo-users", "3", "--output", output, "--state-dir", mountPoint.path + "/state"])

    #expect(run.status == 2, "\(run.error)")
    #expect(run.error.contains("is on a FUSE") && run.error.contains("--state-dir"), "\(run.error)")
    #expect(!FileManager.default.fileExists(atPath: backing.path + "/state/state.sqlite"))
    let umount = try await ChildProcess.run("/bin/umount", [mountPoint.path])
    #expect(umount.status == 0, "\(umount.error)")
  }

  static func environment(_ extra: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for name in CLIEndToEndTests.googleVariables + ["CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT", "JOB_COMPLETION_INDEX"] {
      environment[name] = nil
    }
    return environment.merging(extra) { $1 }
  }
}
