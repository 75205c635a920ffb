import Crypto
import MediaBatchCore
import Synchronization
import Toolbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few POSIX calls the engine writes with: direct, with `errno` kept for the error report.
///
/// Kept on the C calls rather than swift-system's `FileDescriptor`: it has no `openat`, `mkdirat`, `unlinkat`,
/// `renameat` or `syncfs`, and every file the engine touches is opened relative to a folder it holds, never by path.
enum FileOperations {
  /// Creates a directory and its parents; an existing directory is fine.
  static func createDirectory(_ path: String) throws(FileSystemError) {
    if mkdir(path, 0o755) == 0 { return }
    let error = errno
    if error == EEXIST { return }
    if error == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex {
      try createDirectory(String(path[..<slash]))
      if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
    }
    throw FileSystemError("mkdir", path: path, errno: errno)
  }

  /// The size and CRC32C (and MD5 when asked) of a regular file in `directory`, read in 1 MiB blocks; `nil` when
  /// there is no regular file at `name` or it cannot be read.
  static func checksum(
    _ name: String, in directory: OpenDirectory, md5 wantsMD5: Bool = false
  ) -> (size: Int64, crc32c: UInt32, md5: Insecure.MD5?)? {
    guard let fd = directory.openForReading(name) else { return nil }
    defer { close(fd) }
    var crc = CRC32C()
    var md5 = wantsMD5 ? Insecure.MD5() : nil
    var size: Int64 = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if count == 0 { return (size, crc.value, md5) }
      buffer.withUnsafeBytes {
        let chunk = UnsafeRawBufferPointer(rebasing: $0.prefix(count))
        crc.update(chunk)
        md5?.update(bufferPointer: chunk)
      }
      size += Int64(count)
    }
  }
}

/// A file opened for writing; the engine streams an item's bytes into it.
final class WritableFile: Sendable {
  let path: String
  private let descriptor: Mutex<Int32>

  /// Opens `name` in `directory` with `flags`, never through a symbolic link, and only if it is (or becomes) a
  /// regular file: a pipe or a device there is refused at once instead of blocking or writing into it.
  init(opening directory: OpenDirectory, _ name: String, flags: Int32) throws(FileSystemError) {
    try OpenDirectory.check(name, "open", in: directory.path)
    path = directory.pathOf(name)
    let fd = openat(directory.fd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileSystemError("open", path: path, errno: errno) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      closeDescriptor(fd)
      throw FileSystemError.unsafe("open", path: path, "a pipe, a device or a folder is where a file belongs")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    self.descriptor = Mutex(fd)
  }

  func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
    guard let base = bytes.baseAddress else { return }
    let fd = descriptor.withLock { $0 }
    var offset = 0
    while offset < bytes.count {
      let written = systemWrite(fd, base + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw FileSystemError("write", path: path, errno: errno)
      }
      offset += written
    }
  }

  /// Writes `bytes` at `offset`, leaving the file position alone (slices of one file written side by side).
  func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileSystemError) {
    guard let base = bytes.baseAddress else { return }
    let fd = descriptor.withLock { $0 }
    var done = 0
    while done < bytes.count {
      let written = pwrite(fd, base + done, bytes.count - done, off_t(offset) + off_t(done))
      if written < 0 {
        if errno == EINTR { continue }
        throw FileSystemError("write", path: path, errno: errno)
      }
      done += written
    }
  }

  /// The open file's size and modification time.
  func stamp() -> FileStamp? {
    let fd = descriptor.withLock { $0 }
    var info = stat()
    guard fd >= 0, fstat(fd, &info) == 0 else { return nil }
    return FileStamp(info)
  }

  func close() throws(FileSystemError) {
    let fd = descriptor.withLock { fd in
      defer { fd = -1 }
      return fd
    }
    guard fd >= 0 else { return }
    #if canImport(Glibc)
      let result = Glibc.close(fd)
    #else
      let result = Darwin.close(fd)
    #endif
    if result != 0 { throw FileSystemError("close", path: path, errno: errno) }
  }

  deinit {
    let fd = descriptor.withLock { $0 }
    #if canImport(Glibc)
      if fd >= 0 { _ = Glibc.close(fd) }
    #else
      if fd >= 0 { _ = Darwin.close(fd) }
    #endif
  }

  private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
      Glibc.write(fd, pointer, count)
    #else
      Darwin.write(fd, pointer, count)
    #endif
  }
}

extension FileStamp {
  init(_ info: stat) {
    #if canImport(Glibc)
      let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    #else
      let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
    #endif
    self.init(size: Int64(info.st_size), modified: modified)
  }
}

/// `close(2)`, named apart from the `close()` methods of the types that call it.
func closeDescriptor(_ fd: Int32) {
  #if canImport(Glibc)
    _ = Glibc.close(fd)
  #else
    _ = Darwin.close(fd)
  #endif
}
