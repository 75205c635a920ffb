public import MediaBatchCore
import Synchronization

import struct Foundation.Data

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What an export holds, read for the media browser: a user's manifest, and the files it lists. Every folder below the
/// root is opened one level at a time without following a link (`OutputTree`), every name is checked to be one
/// component, and a file is opened with `O_NOFOLLOW`: no name from a request or from a manifest on disk reaches a path
/// outside the root, and a link planted in a user's folder is never followed.
public struct ExportReader: Sendable {
  public let root: String
  /// The last manifests read, by folder, with the stamp they had: a page of thumbnails asks for the same user's
  /// manifest once per file, and decoding it each time would cost as much as serving the files.
  private let recent = Recent()

  public init(root: String) {
    self.root = OutputLayout(root: root).root
  }

  /// The manifest in `folder`, when there is one that reads as a manifest (at most 64 MiB).
  public func manifest(folder: String) -> UserManifest? {
    guard let directory = self.directory([folder]), let stamp = directory.stamp(OutputLayout.manifestFileName) else { return nil }
    if let known = recent.manifest(folder: folder, stamp: stamp) { return known }
    guard let bytes = directory.read(OutputLayout.manifestFileName, limit: 64 << 20),
      let manifest = try? UserManifest.decode(Data(bytes))
    else { return nil }
    recent.keep(manifest, folder: folder, stamp: stamp)
    return manifest
  }

  /// A few manifests by folder, each valid while its file keeps the same size and modification time.
  private final class Recent: Sendable {
    private let entries = Mutex<[String: (stamp: FileStamp, manifest: UserManifest)]>([:])

    func manifest(folder: String, stamp: FileStamp) -> UserManifest? {
      entries.withLock { $0[folder].flatMap { $0.stamp == stamp ? $0.manifest : nil } }
    }

    func keep(_ manifest: UserManifest, folder: String, stamp: FileStamp) {
      entries.withLock { entries in
        if entries.count >= 16 { entries.removeAll(keepingCapacity: true) }
        entries[folder] = (stamp, manifest)
      }
    }
  }

  /// The regular file at `relativePath` (as a manifest gives it) in `folder`; `nil` when it is missing, is a link or
  /// anything but a regular file, or a name is not a plain component.
  public func openFile(folder: String, relativePath: String) -> ExportFile? {
    var components = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard let name = components.popLast(), let directory = self.directory([folder] + components) else { return nil }
    guard (try? OpenDirectory.check(name, "open", in: directory.path)) != nil, let fd = directory.openForReading(name) else { return nil }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      close(fd)
      return nil
    }
    return ExportFile(fd: fd, size: Int64(info.st_size))
  }

  private func directory(_ components: [String]) -> OpenDirectory? {
    for component in components {
      guard (try? OpenDirectory.check(component, "open", in: root)) != nil else { return nil }
    }
    guard let tree = try? OutputTree(root: root, create: false, capacity: 4) else { return nil }
    return try? tree.existingDirectory(components.joined(separator: "/"))
  }
}

/// An exported file opened for reading; closed when released.
public final class ExportFile: Sendable {
  let fd: Int32
  public let size: Int64

  init(fd: Int32, size: Int64) {
    self.fd = fd
    self.size = size
  }

  deinit { close(fd) }

  /// Up to `count` bytes from `offset`; empty at the end; `nil` on a read error.
  public func read(at offset: Int64, count: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    while true {
      let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
      if read < 0, errno == EINTR { continue }
      guard read >= 0 else { return nil }
      bytes.removeLast(count - read)
      return bytes
    }
  }
}
