import ArgumentParser
import Foundation
import Logging
import MediaBatchCore
import MediaBatchEngine
import MediaBatchJobStore

/// The output folder and the state folder (the job store and the lock): where they are, and proving them usable.
extension ResolvedSettings {
  /// `--state-dir` when given; else the output folder's `.mediabatch`, or for a sharded run a folder of the shard's
  /// own inside it, so shards writing into one output folder never share a lock or a job store.
  static func stateDirectory(_ flag: String?, output: String, shard: Shard?) -> String {
    if let flag { return flag }
    let state = OutputLayout(root: output).stateDirectory
    guard let shard else { return state }
    return state + "/" + shard.folderName
  }

  /// Makes this process the only one exporting with this state folder, for as long as the lock lives.
  func lockOutput(command: String) throws -> OutputLock {
    do {
      return try OutputLock(root: outputDirectory, stateDirectory: stateDirectory, command: command)
    } catch let busy as OutputLock.Busy {
      throw ValidationError(busy.description)
    }
  }

  /// Opens the job store (the lock must be held) and marks the jobs it shows running, whose process died, as
  /// interrupted. Returns the store and those jobs.
  func openJobStore(logger: Logger) throws -> (SQLiteJobStore, interrupted: [JobSummary]) {
    do {
      let store = try SQLiteJobStore.open(stateDirectory: stateDirectory, outputRoot: outputDirectory, logger: logger)
      return (store, try store.markInterruptedJobs())
    } catch let error as SQLiteJobStore.OpenError {
      throw ValidationError(error.description)
    }
  }

  /// Creates the output folder and the state folder and proves both writable, and the state folder on a local file
  /// system, before any job starts.
  func checkOutputIsWritable() throws {
    let outputState = try Self.makeFolders(outputDirectory + "/" + OutputLayout.stateFolderName, what: "output folder")
    try Self.probe(outputState, what: "the output folder \(Self.shown(outputDirectory))")
    let state = try Self.makeFolders(stateDirectory, what: "state folder")
    if case .unsuitable(let kind)? = StateFileSystem.of(state) {
      throw RunFailure(
        "the state folder \(Self.shown(stateDirectory)) is on a \(kind) file system, where SQLite's locks and shared memory do not hold: "
          + "the job store could be corrupted and two processes could both think they own the folder. Put the state on a local disk "
          + "with --state-dir (env MEDIABATCH_STATE_DIR), e.g. the task's local volume; the output can stay where it is"
      )
    }
    try Self.probe(state, what: "the state folder \(Self.shown(stateDirectory))")
  }

  /// Creates every folder of `path` that is missing; returns the path walked (relative paths from ".").
  private static func makeFolders(_ path: String, what: String) throws -> String {
    var folder = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
      folder += "/" + component
      if mkdir(folder, 0o755) != 0 {
        let code = errno
        guard code == EEXIST else { throw RunFailure.system("cannot create the \(what) \(shown(folder))", errno: code) }
        var status = stat()
        guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
          throw RunFailure("cannot use \(shown(folder)) as the \(what): it exists and is not a folder")
        }
      }
    }
    return folder
  }

  private static func probe(_ folder: String, what: String) throws {
    let probe = folder + "/write-check"
    let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw RunFailure.system("cannot write in \(what)", errno: errno) }
    close(fd)
    unlink(probe)
  }

  /// A path as given, without the "./" a relative path is walked with.
  static func shown(_ path: String) -> String {
    path.hasPrefix("./") ? String(path.dropFirst(2)) : path
  }
}
