import Foundation
import MediaBatchCore
import Synchronization
import Toolbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Gives each user a folder of their own, for good. The first time a user is placed, an owner record
/// (`.mediabatch-owner`, the user's id) is created in the folder with `O_EXCL`; every later run (filtered, a retry,
/// started through the API, with new users, or another process or shard writing into the same root) finds it and
/// tries the user's next stable name instead. A folder from before owner records is adopted by the user its
/// manifest names. So which users a run includes never changes whose folder is whose.
final class FolderClaims: Sendable {
  /// Why a user could not be given a folder; every item of the user fails with it.
  struct Failure: Error {
    var error: ItemError
  }

  private let tree: OutputTree?
  private let root: String
  /// Names given out by this run: a dry run claims nothing on disk, so it remembers here.
  private let given = Mutex<[String: String]>([:])

  /// `tree`: `nil` for a dry run, which reads what is on disk but writes nothing.
  init(tree: OutputTree?, root: String) {
    self.tree = tree
    self.root = root
  }

  /// The user's folder name, claimed; throws when every name the user may have belongs to someone else or cannot be
  /// used safely.
  func claim(userId: String, email: String?) throws(Failure) -> String {
    var lastProblem: String?
    for name in UserFolderNames.candidates(userId: userId, email: email) {
      switch given.withLock({ $0[name] }) {
      case userId?: return name
      case .some: continue
      case nil: break
      }
      switch owner(of: name) {
      case .user(let owner) where owner == userId:
        return remember(name, for: userId)
      case .user:
        continue
      case .unsafe(let problem):
        throw Failure(error: ItemError(.unsafePath, problem))
      case .unreadable(let problem):
        lastProblem = problem
        continue
      case .none:
        if tree == nil { return remember(name, for: userId) }
        switch create(name, for: userId) {
        case .claimed: return remember(name, for: userId)
        case .lost: continue
        case .failed(let error): throw Failure(error: error)
        }
      }
    }
    throw Failure(
      error: ItemError(
        .folderConflict,
        "every folder name for user \(userId) belongs to another user" + (lastProblem.map { " (\($0))" } ?? "")))
  }

  private func remember(_ name: String, for userId: String) -> String {
    given.withLock { $0[name] = userId }
    return name
  }

  private enum Owner {
    case none
    case user(String)
    case unsafe(String)
    case unreadable(String)
  }

  /// Who a folder belongs to: its owner record, else (a folder from before owner records) its manifest's user.
  private func owner(of name: String) -> Owner {
    let directory: OpenDirectory?
    do {
      directory = try openExisting(name)
    } catch {
      return error.isUnsafe ? .unsafe("\(root)/\(name) is a symbolic link or not a folder; nothing is written through it")
        : .unreadable(error.description)
    }
    guard let directory else { return .none }
    if let bytes = directory.read(OutputLayout.ownerFileName, limit: 64 * 1024) {
      return .user(String(decoding: bytes, as: UTF8.self).trimmingWhitespace())
    }
    if let bytes = directory.read(OutputLayout.manifestFileName, limit: 1 << 30) {
      guard let manifest = try? UserManifest.decode(Data(bytes)) else {
        return .unreadable("\(root)/\(name)/\(OutputLayout.manifestFileName) cannot be read")
      }
      // Adopted by its user, so that the next run need not read the manifest again.
      if !manifest.userId.isEmpty, tree != nil { _ = try? writeOwner(manifest.userId, in: directory) }
      return .user(manifest.userId)
    }
    return .none
  }

  private func openExisting(_ name: String) throws(FileSystemError) -> OpenDirectory? {
    if let tree { return try tree.existingDirectory(name) }
    // A dry run has no tree (it must not create the root); look without opening anything for writing.
    var info = stat()
    guard lstat(root + "/" + name, &info) == 0 else { return nil }
    guard (info.st_mode & S_IFMT) == S_IFDIR else { throw FileSystemError.unsafe("open", path: root + "/" + name, "not a folder") }
    let fd = open(root + "/" + name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw FileSystemError("open", path: root + "/" + name, errno: errno) }
    return OpenDirectory(fd: fd, path: root + "/" + name)
  }

  private enum Creation {
    case claimed
    /// Another process claimed it first.
    case lost
    case failed(ItemError)
  }

  private func create(_ name: String, for userId: String) -> Creation {
    guard let tree else { return .claimed }
    do {
      let directory = try tree.directory(name, create: true)
      if try writeOwner(userId, in: directory) { return .claimed }
      let owner = directory.read(OutputLayout.ownerFileName, limit: 64 * 1024).map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }
      return owner == userId ? .claimed : .lost
    } catch {
      return .failed(error.itemError)
    }
  }

  /// Creates the owner record with `O_EXCL`; false when one is already there.
  private func writeOwner(_ userId: String, in directory: OpenDirectory) throws(FileSystemError) -> Bool {
    guard let file = try directory.createNewFile(OutputLayout.ownerFileName) else { return false }
    let failure = Array((userId + "\n").utf8).withUnsafeBytes { buffer -> FileSystemError? in
      do throws(FileSystemError) {
        try file.write(buffer)
        try file.close()
        return nil
      } catch {
        return error
      }
    }
    if let failure {
      directory.remove(OutputLayout.ownerFileName)
      throw failure
    }
    return true
  }
}
