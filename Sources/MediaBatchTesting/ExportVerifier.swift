public import Foundation
public import MediaBatchCore

/// Checks an export folder against its manifests: every file a manifest lists as downloaded exists with the recorded
/// size and CRC32C (and, when the store is known, the exact bytes), and no file exists that no manifest lists.
public struct ExportVerifier: Sendable {
  public struct Report: Sendable {
    public var manifests: [UserManifest] = []
    public var verifiedFiles = 0
    public var problems: [String] = []
    public var unlistedFiles: [String] = []
  }

  public let root: String

  public init(root: String) {
    self.root = root
  }

  /// Verifies the folder; `expectedBytes` gives the bytes the store holds for an object, when the test knows them.
  public func verify(expectedBytes: (ObjectLocation) -> [UInt8]? = { _ in nil }) throws -> Report {
    var report = Report()
    var listed: Set<String> = []
    let folders = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0 != OutputLayout.stateFolderName }.sorted()
    for folder in folders {
      let manifestPath = root + "/" + folder + "/" + OutputLayout.manifestFileName
      guard let data = FileManager.default.contents(atPath: manifestPath) else {
        report.problems.append("\(folder): no manifest.json")
        continue
      }
      let manifest = try UserManifest.decode(data)
      report.manifests.append(manifest)
      listed.insert(folder + "/" + OutputLayout.manifestFileName)
      if manifest.folder != folder { report.problems.append("\(folder): manifest names folder \(manifest.folder)") }
      for item in manifest.items where item.status == .downloaded {
        guard let localPath = item.localPath else {
          report.problems.append("\(folder): item \(item.id) downloaded without a local path")
          continue
        }
        let relative = folder + "/" + localPath
        listed.insert(relative)
        guard let bytes = FileManager.default.contents(atPath: root + "/" + relative).map(Array.init) else {
          report.problems.append("\(relative): missing")
          continue
        }
        if Int64(bytes.count) != item.size { report.problems.append("\(relative): \(bytes.count) bytes, manifest says \(item.size ?? -1)") }
        if CRC32C.hex(CRC32C.checksum(bytes)) != item.crc32c { report.problems.append("\(relative): CRC32C differs from the manifest") }
        if let location = item.location, let expected = expectedBytes(location), expected != bytes {
          report.problems.append("\(relative): bytes differ from the store's object \(location)")
        }
        report.verifiedFiles += 1
      }
    }
    let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
    for relative in all where !relative.hasPrefix(OutputLayout.stateFolderName) {
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory)
      if !isDirectory.boolValue, !listed.contains(relative) { report.unlistedFiles.append(relative) }
    }
    return report
  }
}
