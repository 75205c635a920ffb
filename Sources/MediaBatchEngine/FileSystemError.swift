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

  public var description: String {
    "\(operation) \(path): \(String(cString: strerror(errno)))"
  }

  /// The per-item error this becomes: a full disk is `disk_full`, anything else `io_error`.
  public var itemError: ItemError {
    #if canImport(Glibc)
      let full = errno == ENOSPC || errno == EDQUOT || errno == EFBIG
    #else
      let full = errno == ENOSPC || errno == EDQUOT || errno == EFBIG
    #endif
    return ItemError(full ? .diskFull : .ioError, description)
  }
}
