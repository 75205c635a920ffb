import MediaBatchCore
import Toolbox

/// Planning: what each of a user's items becomes before any download starts.
extension BatchJob {
  struct Plan {
    var items: [(MediaItem, ItemDownloader<Store>.Destination, previous: ItemDownloader<Store>.Previous)] = []
    var unresolved: [UnresolvedItem] = []
    /// Items a retry job keeps as they are: complete in an earlier job.
    var kept: [ItemOutcome] = []
    var knownBytes: Int64 = 0
    var count: Int { items.count + unresolved.count + kept.count }
  }

  /// Names every file of a user before any download starts, so the names do not depend on which finishes first,
  /// and pairs each with what earlier jobs left for it. `retrying` holds the `kind/id` keys a retry job fetches.
  func plan(_ user: SourceUser, folder: String, retrying: Set<String>?) async -> Plan {
    var plan = Plan()
    let known = tree == nil ? .none : await jobStore.knownFiles(folder: folder)
    // The manifest speaks for folders the job store has no record of (exported before it existed, or elsewhere).
    let manifest = known.files.isEmpty ? tree.map { PreviousExport.outcomes(in: $0, folder: folder) } ?? [:] : [:]
    var names: [MediaKind: ItemFileNames] = [:]
    var seen: Set<String> = []
    for item in user.items where settings.includes(item.kind) {
      let key = item.kind.name + "/" + item.id
      // An id listed twice is one file.
      guard seen.insert(key).inserted else { continue }
      if let problem = item.declaredSizeProblem {
        plan.unresolved.append(UnresolvedItem(id: item.id, kind: item.kind, error: problem))
        continue
      }
      let fileName = names[item.kind, default: ItemFileNames()].claim(
        itemId: item.id,
        originalName: item.originalName,
        contentType: item.contentType
      )
      let relativePath = OutputLayout.relativeItemPath(kind: item.kind, fileName: fileName)
      let destination = ItemDownloader<Store>.Destination(
        folder: folder,
        directory: folder + "/" + OutputLayout.kindFolderName(item.kind),
        fileName: fileName,
        relativePath: relativePath
      )
      let previous = ItemDownloader<Store>.Previous(
        recorded: known.files[key],
        manifest: manifest[key],
        partial: known.partials[relativePath]
      )
      if let retrying, !retrying.contains(key), var kept = previous.completed, kept.localPath == relativePath {
        kept.status = .skipped
        kept.originalName = item.originalName
        kept.metadata = item.metadata
        kept.attempts = 0
        kept.error = nil
        kept.resumedFrom = nil
        plan.kept.append(kept)
        continue
      }
      plan.items.append((item, destination, previous))
      plan.knownBytes = plan.knownBytes.saturatingAdding(item.declaredSize ?? 0)
    }
    plan.unresolved += user.unresolved.filter { settings.includes($0.kind) }
    return plan
  }
}
