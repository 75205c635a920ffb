import MediaBatchCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The output folder, opened once; every folder below it is opened relative to it, one level at a time, with
/// `O_NOFOLLOW | O_DIRECTORY`, so no symbolic link below the root (`out/<user> -> /elsewhere`) is ever followed and
/// nothing is written outside the root. The root itself may be a link: the user named it.
///
/// Open folders are kept in a small cache: an open descriptor keeps pointing at the folder it opened even if the
/// path is swapped for a link afterwards.
final class OutputTree: Sendable {
  let root: String
  private let rootDirectory: OpenDirectory
  private let cache = Mutex<[String: OpenDirectory]>([:])
  private let capacity: Int

  /// Opens (and, with `create`, makes) the root.
  init(root: String, create: Bool, capacity: Int = 256) throws(FileSystemError) {
    self.root = root
    self.capacity = capacity
    if create { try FileOperations.createDirectory(root) }
    let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw FileSystemError("open", path: root, errno: errno) }
    rootDirectory = OpenDirectory(fd: fd, path: root)
  }

  /// The folder at `relative` (`user_example_com/images`) below the root; with `create`, missing levels are made.
  func directory(_ relative: String, create: Bool) throws(FileSystemError) -> OpenDirectory {
    if relative.isEmpty { return rootDirectory }
    if let cached = cache.withLock({ $0[relative] }) { return cached }
    var current = rootDirectory
    var walked = ""
    for component in relative.split(separator: "/") {
      walked += walked.isEmpty ? String(component) : "/" + component
      if let cached = cache.withLock({ $0[walked] }) {
        current = cached
        continue
      }
      current = try current.subdirectory(String(component), create: create)
      let opened = current
      let key = walked
      cache.withLock { cache in
        if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
        cache[key] = opened
      }
    }
    return current
  }

  /// The folder if it exists; `nil` when it does not. A link or a file in its place throws.
  func existingDirectory(_ relative: String) throws(FileSystemError) -> OpenDirectory? {
    do {
      return try directory(relative, create: false)
    } catch where error.errno == ENOENT {
      return nil
    }
  }
}

/// A folder opened by descriptor: every file operation is relative to it and refuses links.
final class OpenDirectory: Sendable {
  let fd: Int32
  /// For messages only.
  let path: String

  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
  }

  deinit { close(fd) }

  func pathOf(_ name: String) -> String { path + "/" + name }

  /// Every name this folder is asked for must be one component of it: not empty, `.` or `..`, without `/` or NUL.
  /// The names come from the sanitizer; this is the last line if one ever did not (an absolute name would make the
  /// system ignore the folder's descriptor altogether).
  static func check(_ name: String, _ operation: String, in path: String) throws(FileSystemError) {
    guard !name.isEmpty, name != ".", name != "..", !name.utf8.contains(UInt8(ascii: "/")), !name.utf8.contains(0) else {
      throw FileSystemError.unsafe(operation, path: path + "/" + name, "a name that is not a single component of its folder")
    }
  }

  /// A folder inside this one, never through a link; made when missing and `create` is set.
  func subdirectory(_ name: String, create: Bool) throws(FileSystemError) -> OpenDirectory {
    try Self.check(name, "open", in: path)
    var child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if child < 0, errno == ENOENT, create {
      if mkdirat(fd, name, 0o755) != 0, errno != EEXIST { throw FileSystemError("mkdir", path: pathOf(name), errno: errno) }
      child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }
    guard child >= 0 else { throw FileSystemError("open", path: pathOf(name), errno: errno) }
    return OpenDirectory(fd: child, path: pathOf(name))
  }

  /// Creates (or truncates) a regular file for writing. A link, pipe or device at `name` is refused at once.
  func createFile(_ name: String) throws(FileSystemError) -> WritableFile {
    try WritableFile(opening: self, name, flags: O_WRONLY | O_CREAT | O_TRUNC)
  }

  /// Creates a file that must not exist yet; `nil` when it already does.
  func createNewFile(_ name: String) throws(FileSystemError) -> WritableFile? {
    do {
      return try WritableFile(opening: self, name, flags: O_WRONLY | O_CREAT | O_EXCL)
    } catch where error.errno == EEXIST {
      return nil
    }
  }

  /// Opens an existing regular file to append to it (resuming a download).
  func appendToFile(_ name: String) throws(FileSystemError) -> WritableFile {
    try WritableFile(opening: self, name, flags: O_WRONLY | O_APPEND)
  }

  func rename(_ from: String, to: String) throws(FileSystemError) {
    try Self.check(from, "rename", in: path)
    try Self.check(to, "rename", in: path)
    if renameat(fd, from, fd, to) != 0 { throw FileSystemError("rename", path: pathOf(to), errno: errno) }
  }

  /// Removes a file if it is there.
  func remove(_ name: String) {
    guard (try? Self.check(name, "remove", in: path)) != nil else { return }
    _ = unlinkat(fd, name, 0)
  }

  /// A regular file's size and modification time; `nil` when there is no regular file at `name` (a link is not one).
  func stamp(_ name: String) -> FileStamp? {
    var info = stat()
    guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    return FileStamp(info)
  }

  /// Opens a regular file for reading, never through a link and never blocking on a pipe; `nil` when there is none.
  func openForReading(_ name: String) -> Int32? {
    let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard file >= 0 else { return nil }
    var info = stat()
    guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      close(file)
      return nil
    }
    return file
  }

  /// A small regular file's bytes, at most `limit` of them; `nil` when there is none or it is larger.
  func read(_ name: String, limit: Int) -> [UInt8]? {
    guard let file = openForReading(name) else { return nil }
    defer { close(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { systemRead(file, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count >= 0 else { return nil }
      if count == 0 { return bytes }
      bytes += buffer.prefix(count)
      if bytes.count > limit { return nil }
    }
  }

  /// Writes a small file atomically: to `<name>.partial`, then renamed over `name`.
  func writeAtomically(_ bytes: [UInt8], to name: String) throws(FileSystemError) {
    let partial = name + NameSanitizer.partialSuffix
    let file = try createFile(partial)
    let failure = bytes.withUnsafeBytes { buffer -> FileSystemError? in
      do throws(FileSystemError) {
        try file.write(buffer)
        try file.close()
        return nil
      } catch {
        return error
      }
    }
    if let failure {
      try? file.close()
      remove(partial)
      throw failure
    }
    try rename(partial, to: name)
  }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
  #else
    Darwin.read(fd, buffer, count)
  #endif
}
