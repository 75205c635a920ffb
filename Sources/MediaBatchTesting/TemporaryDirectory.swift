import Foundation

/// A fresh folder under the system's temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
  public let path: String

  public init(prefix: String = "mediabatch-test") throws {
    let base = FileManager.default.temporaryDirectory.path
    path = base + "/" + prefix + "-" + UUID().uuidString.prefix(8).lowercased()
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  public func appending(_ component: String) -> String { path + "/" + component }

  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// Every regular file below the folder, as paths relative to it, sorted.
  public func files() -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [] }
    var result: [String] = []
    for case let relative as String in enumerator {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
        result.append(relative)
      }
    }
    return result.sorted()
  }
}
