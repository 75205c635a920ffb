import Foundation
public import MediaBatchCore

extension ExportVerifier {
  /// Verifies the folder, and also compares every verified file with the bytes the store holds for its object,
  /// when `expectedBytes` knows them.
  public func verify(expectedBytes: (ObjectLocation) -> [UInt8]?) throws -> Report {
    var report = try verify()
    for manifest in report.manifests {
      for item in manifest.items where item.status == .downloaded {
        guard let location = item.location, let expected = expectedBytes(location), let localPath = item.localPath else { continue }
        let relative = manifest.folder + "/" + localPath
        let bytes = FileManager.default.contents(atPath: root + "/" + relative).map(Array.init)
        if bytes != expected {
          report.findings.append(Finding(.differsFromStore, relative, "the bytes differ from the store's object \(location)"))
        }
      }
    }
    return report
  }
}
