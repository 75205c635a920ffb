public import Foundation
import MediaBatchCore
import Toolbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Makes one process at a time the owner of a state folder (by default the output folder's `.mediabatch`). The lock
/// is an advisory `flock` on `<state>/lock`, which the kernel drops when its process dies, so a crashed run never
/// leaves a stale lock; the file also names the holder (pid, host, start time) for the message a second process gets.
public final class OutputLock: Sendable {
  /// Who holds a folder.
  public struct Holder: Sendable, Codable, Hashable, CustomStringConvertible {
    public var pid: Int32
    public var host: String
    public var startedAt: Date
    public var command: String

    public var description: String {
      "pid \(pid) on \(host), running since \(ISO8601DateFormatter().string(from: startedAt)) (\(command))"
    }

    enum CodingKeys: String, CodingKey {
      case pid, host, command
      case startedAt = "started_at"
    }
  }

  /// Another process holds the folder.
  public struct Busy: Error, Sendable, CustomStringConvertible {
    public var folder: String
    /// The state folder, when it is not the output folder's own.
    public var stateDirectory: String?
    public var holder: Holder?

    public var description: String {
      let who = holder.map { "\($0)" } ?? "another MediaBatch process"
      if let stateDirectory {
        return "the state folder \(stateDirectory) (of \(folder)) is in use by \(who): wait for it to finish, stop it, or give this "
          + "process a --state-dir of its own"
      }
      return "\(folder) is in use by \(who): wait for it to finish, stop it, or choose another --output (or --state-dir)"
    }
  }

  public let path: String
  private let descriptor: Int32

  /// Takes the lock of `root`'s state folder (`stateDirectory`, by default the root's `.mediabatch`), or throws
  /// `Busy` naming the holder.
  public init(root: String, stateDirectory: String? = nil, command: String) throws {
    let folder = stateDirectory ?? OutputLayout(root: root).stateDirectory
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var info = stat()
    guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
      throw FileSystemError.unsafe(
        "open", path: folder, "a symbolic link or a file, where MediaBatch keeps its state in a real folder; remove it")
    }
    path = folder + "/lock"
    // Never through a link (`lock -> some file` would be truncated), never blocking on a pipe.
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
    guard fd >= 0 else { throw FileSystemError("open", path: path, errno: errno) }
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw FileSystemError.unsafe("open", path: path, "not a regular file; remove it")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let holder = Self.readHolder(fd)
      close(fd)
      throw Busy(folder: root, stateDirectory: stateDirectory, holder: holder)
    }
    descriptor = fd
    let holder = Holder(pid: getpid(), host: currentHostName(), startedAt: Date(), command: command)
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    if let data = try? encoder.encode(holder) {
      ftruncate(fd, 0)
      _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
  }

  deinit {
    // Closing the descriptor releases the lock; the file stays, naming the last holder, and is harmless.
    close(descriptor)
  }

  private static func readHolder(_ fd: Int32) -> Holder? {
    var buffer = [UInt8](repeating: 0, count: 4_096)
    let count = pread(fd, &buffer, buffer.count, 0)
    guard count > 0 else { return nil }
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try? decoder.decode(Holder.self, from: Data(buffer.prefix(count)))
  }
}

