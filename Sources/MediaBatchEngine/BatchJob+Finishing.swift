import MediaBatchCore

import struct Foundation.Date

/// Finishing: what happens when an item or a user is done (progress, the job store, events, the manifest).
extension BatchJob {
  func finishItem(_ result: ItemDownloader<Store>.Result, of user: SourceUser, folder: String, ledger: UserLedger) async {
    let outcome = result.outcome
    var record: ErrorRecord?
    if outcome.status == .failed, let error = outcome.error {
      record = ErrorRecord(user: user.displayName, userId: user.id, itemId: outcome.id, kind: outcome.kind, error: error, at: Date())
    }
    if let error = outcome.error, error.code == .diskFull {
      failure.fail(JobFailure.diskFull(root: layout.root, error.message), stopping: stop)
    }
    progress.itemFinished(outcome, knownBytes: result.countedBytes, error: record)
    // Items that never ran (unresolved, kept by the plan, cancelled before starting) have no duration.
    metrics.itemFinished(outcome, seconds: result.seconds > 0 ? result.seconds : nil)
    let finished = FinishedItem(
      jobId: id, userId: user.id, folder: folder, outcome: outcome, stamp: result.stamp, startedAt: result.startedAt,
      seconds: result.seconds
    )
    if let placement = result.placement {
      placer.place(placement, record: finished)
    } else {
      jobStore.itemFinished(finished)
    }
    if let record {
      logger.debug(
        "item failed",
        metadata: ["mediabatch.user.id": "\(user.id)", "mediabatch.item.id": "\(outcome.id)", "mediabatch.error.code": "\(record.code)"]
      )
      events.publish(.itemFailed(jobId: id, record))
    }
    if let finished = ledger.record(outcome, userId: user.id) {
      await finishUser(finished)
    }
  }

  /// A user who could not be given a folder: every item fails with the reason, and nothing is written.
  func failUser(_ user: SourceUser, _ error: ItemError, ledger: UserLedger) async {
    let items = user.items.filter { settings.includes($0.kind) }.map { ($0.id, $0.kind) }
      + user.unresolved.filter { settings.includes($0.kind) }.map { ($0.id, $0.kind) }
    progress.userListed(id: user.id, name: user.displayName, files: items.count, knownBytes: 0)
    logger.error("user not placed", metadata: ["mediabatch.user.id": "\(user.id)", "error": "\(error)"])
    if let finished = ledger.open(user, folder: "", expected: items.count) {
      await finishUser(finished)
      return
    }
    for (itemId, kind) in items {
      let outcome = ItemOutcome(id: itemId, kind: kind, status: .failed, error: error)
      await finishItem(.init(outcome: outcome, countedBytes: 0), of: user, folder: "", ledger: ledger)
    }
  }

  func finishUser(_ finished: UserLedger.FinishedUser) async {
    let outcomes = finished.outcomes.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    var result = UserResult(userId: finished.user.id, email: finished.user.email, folder: finished.folder, outcomes: outcomes)
    // A user without a folder (it could not be claimed) has no manifest either.
    if let tree, !finished.folder.isEmpty {
      let digest = ManifestDigest.of(result, source: source.info.kind, items: outcomes)
      do {
        let directory = try tree.directory(finished.folder, create: true)
        // The manifest an earlier job wrote says the same and is as it wrote it: left alone.
        let unchanged = finished.previousManifest.map {
          $0.digest == digest && directory.stamp(OutputLayout.manifestFileName) == $0.stamp
        } ?? false
        if !unchanged {
          let manifest = UserManifest(jobId: id, source: source.info.kind, generatedAt: Date(), result: result, items: outcomes)
          try directory.writeAtomically(manifest.encoded(), to: OutputLayout.manifestFileName)
          if let stamp = directory.stamp(OutputLayout.manifestFileName) {
            jobStore.manifestWritten(ManifestRecord(folder: finished.folder, digest: digest, stamp: stamp, jobId: id))
          }
        }
      } catch {
        let itemError = error.itemError
        if itemError.code == .diskFull { failure.fail(JobFailure.diskFull(root: layout.root, itemError.message), stopping: stop) }
        logger.error("manifest not written", metadata: ["mediabatch.user.id": "\(finished.user.id)", "error": "\(error)"])
        result.status = .failed
        result.errors.append(.init(itemId: OutputLayout.manifestFileName, kind: MediaKind("manifest"), error: itemError))
      }
    }
    progress.userFinished(result)
    metrics.userFinished(result)
    jobStore.userFinished(jobId: id, result)
    events.publish(.userFinished(jobId: id, result))
  }
}
