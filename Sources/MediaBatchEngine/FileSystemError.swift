public import MediaBatchCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed file-system call, with the path and the `errno` it failed with.
public struct FileSystemError: Error, Sendable, CustomStringConvertible {
  public var operation: String
  public var path: String
  public var errno: Int32

  public init(_ operation: String, path: String, errno: Int32) {
    self.operation = operation
    self.path = path
    self.errno = errno
  }

  /// Something is at `path` that MediaBatch never writes through or into: a link, a pipe, a device.
  public static func unsafe(_ operation: String, path: String, _ what: String) -> FileSystemError {
    var error = FileSystemError(operation, path: path, errno: ELOOP)
    error.explanation = what
    return error
  }

  /// Says what was found, when `errno` alone would not (a pipe where a file belongs).
  public var explanation: String?

  public var description: String {
    if let explanation { return "\(operation) \(path): \(explanation)" }
    if isUnsafe { return "\(operation) \(path): a symbolic link, or something that is not a folder, is in the way" }
    return "\(operation) \(path): \(String(cString: strerror(errno)))"
  }

  /// The disk (or the quota) is full.
  public var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT || errno == EFBIG }

  /// A link or a non-folder stood in the path (`O_NOFOLLOW`, `O_DIRECTORY`), or a pipe where a file belongs.
  public var isUnsafe: Bool { explanation != nil || errno == ELOOP || errno == ENOTDIR || errno == ENXIO }

  /// The per-item error this becomes: `disk_full`, `unsafe_path`, or else `io_error`.
  public var itemError: ItemError {
    ItemError(isDiskFull ? .diskFull : isUnsafe ? .unsafePath : .ioError, description)
  }
}
