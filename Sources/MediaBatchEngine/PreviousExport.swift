import Foundation
import MediaBatchCore

/// What an earlier run left in a user's folder: the outcomes its manifest records, by `kind/id`.
enum PreviousExport {
  static func outcomes(in tree: OutputTree, folder: String) -> [String: ItemOutcome] {
    guard let directory = try? tree.existingDirectory(folder),
      let bytes = directory.read(OutputLayout.manifestFileName, limit: 1 << 30),
      let manifest = try? UserManifest.decode(Data(bytes))
    else { return [:] }
    var outcomes: [String: ItemOutcome] = [:]
    for item in manifest.items { outcomes[item.kind.name + "/" + item.id] = item }
    return outcomes
  }
}
