import MediaBatchCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What ends a job as a whole rather than one item: a full disk. The first reason is kept; setting one also stops the
/// job, so no more downloads start only to fail the same way.
final class JobFailure: Sendable {
  private let reason = Mutex<String?>(nil)

  var current: String? { reason.withLock { $0 } }

  func fail(_ reason: String, stopping stop: StopSignal) {
    let first = self.reason.withLock { current in
      guard current == nil else { return false }
      current = reason
      return true
    }
    if first { stop.stop() }
  }

  /// Why a job stopped on a full disk, naming the folder and the space left, and what to do.
  static func diskFull(root: String, _ detail: String) -> String {
    let free = availableBytes(root).map { ByteCount.text($0) } ?? "no"
    return "the disk holding \(root) is full (\(free) free; \(detail)). Free some space and run again: the files "
      + "verified so far are kept, and the next run fetches the rest."
  }

  static func availableBytes(_ path: String) -> Int64? {
    var info = statvfs()
    guard statvfs(path, &info) == 0 else { return nil }
    return Int64(info.f_bavail) * Int64(info.f_frsize)
  }
}

/// Byte counts as people read them: `512 B`, `12.3 KiB`, `4.0 GiB`.
enum ByteCount {
  static func text(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1_024, unit < units.count - 1 {
      value /= 1_024
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
  }
}
