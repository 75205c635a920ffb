import Foundation
import MediaBatchCore

/// What an earlier run left in a user's folder: the outcomes its manifest records, by `kind/id`.
enum PreviousExport {
  static func outcomes(at manifestPath: String) -> [String: ItemOutcome] {
    guard let data = FileManager.default.contents(atPath: manifestPath), let manifest = try? UserManifest.decode(data) else { return [:] }
    var outcomes: [String: ItemOutcome] = [:]
    for item in manifest.items { outcomes[item.kind.name + "/" + item.id] = item }
    return outcomes
  }
}
