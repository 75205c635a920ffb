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
    /// The manifest an earlier job wrote into the user's folder.
    var previousManifest: ManifestRecord?
    var count: Int { items.count + unresolved.count + kept.count }
  }

  /// Names every file of a user before any download starts, so the names do not depend on which finishes first,
  /// and pairs each with what earlier jobs left for it. `retrying` holds the `kind/id` keys a retry job fetches.
  func plan(_ user: SourceUser, folder: String, retrying: Set<String>?) async -> Plan {
    var plan = Plan()
    let known = tree == nil ? .none : await jobStore.knownFiles(folder: folder)
    plan.previousManifest = known.manifest
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
    if tree != nil { attachListings(to: &plan, userId: user.id) }
    return plan
  }

  /// Whether users come in the order of the listing, every one of them: not a shard, a filtered or a retry run.
  private var walksInOrder: Bool {
    settings.users == nil && settings.shard == nil && settings.retryFailedOf == nil
  }

  /// Gives the user's recorded copies one listing of the folder their objects share, when there are enough of them
  /// to be worth it: a rerun then asks for one page of generations instead of one request per object.
  private func attachListings(to plan: inout Plan, userId: String) {
    var recorded: [String: [Int]] = [:]
    for (index, (item, destination, previous)) in plan.items.enumerated() {
      guard let record = previous.completed, record.generation != nil, record.location == item.location,
        record.localPath == destination.relativePath
      else { continue }
      recorded[item.location.bucket, default: []].append(index)
    }
    for (bucket, indices) in recorded where indices.count >= 2 {
      guard let prefix = GenerationListing.sharedFolder(of: indices.map { plan.items[$0].0.location.object }),
        listingBudget.isWorthListing(bucket, prefix)
      else { continue }
      // A folder that holds many more objects than the user's is not theirs alone: ask object by object instead,
      // for this user and every later one that shares it.
      let limit = max(1_000, indices.count * 10)
      let store = self.store
      let budget = listingBudget
      // A run over every user in order, whose objects sit in a folder named after the user (`users/<uid>/…`), walks
      // the folder that holds every user's: a page for many users.
      let walked = walksInOrder ? ListingWalk.userFolder(in: prefix, userId: userId) : nil
      let walk = walked.map { walked in
        budget.walk(inBucket: bucket, prefix: walked.parent) {
          ListingWalk(bucket: bucket, prefix: walked.parent) { token in
            try await store.generationsPage(inBucket: bucket, prefix: walked.parent, pageToken: token)
          }
        }
      }
      let listing = GenerationListing(bucket: bucket, prefix: prefix) {
        if let walk, let walked, let generations = await walk.generations(under: walked.folder) { return generations }
        // Another user's listing may have found the folder crowded since this one was planned.
        guard budget.isWorthListing(bucket, prefix) else { return nil }
        do {
          if let listed = try await store.currentGenerations(inBucket: bucket, prefix: prefix, limit: limit) { return listed }
          budget.markTooLarge(bucket, prefix)
        } catch {
          // A failed listing is no reason to stop listing: this user's objects are asked one by one.
        }
        return nil
      }
      for index in indices { plan.items[index].previous.listing = listing }
    }
  }
}
