import Logging
import MediaBatchCore

import struct Foundation.Date

/// One run of the batch: users stream in, their items go through one bounded pool, each user ends with a manifest.
struct BatchJob<Source: UserSource, Store: MediaStore>: Sendable {
  let id: String
  let source: Source
  let store: Store
  let layout: OutputLayout
  /// The output folder, opened; `nil` for a dry run, which writes nothing.
  let tree: OutputTree?
  /// Puts verified files under their final names after a flush, a batch per checkpoint.
  let placer: Placer
  let settings: JobSettings
  let jobStore: any JobStore
  let events: EventHub
  let progress: ProgressTracker
  let stop: StopSignal
  let logger: Logger
  let metrics: EngineMetrics
  /// The job's status as the engine's state machine sees it, for the snapshots the job publishes.
  let status: @Sendable () -> JobStatus
  /// Set when the job must end as a whole (a full disk).
  let failure = JobFailure()


  private enum Child: Sendable {
    case item
    case graceExpired
    case housekeeping
  }

  /// Users listed ahead of the downloads: enough to keep the pool fed across a slow page of a remote listing.
  private var listingLookahead: Int { max(256, settings.concurrency * 8) }

  func run() async -> JobStateMachine.RunOutcome {
    let claims = FolderClaims(tree: tree, root: layout.root)
    let pool = PoolLimit(maximum: settings.concurrency)
    let downloader = tree.map { tree in
      ItemDownloader(
        store: store, retry: settings.retry, allowUnverified: settings.allowUnverified, keepGzip: settings.keepGzip,
        progress: progress, tree: tree, pool: pool, jobId: id, jobStore: jobStore)
    }
    // A retry job visits only the users with failures in the job it retries, and fetches only those items.
    var retrying: [String: Set<String>]?
    if let retried = settings.retryFailedOf { retrying = await jobStore.failedItems(ofJob: retried) }
    let ledger = UserLedger()
    var stoppedEarly = false
    var sourceFailure: String?

    await withTaskGroup(of: Child.self) { group in
      if settings.users == nil, settings.shard == nil, retrying == nil {
        // Counted beside the listing, so a slow count holds neither the downloads nor a stop.
        group.addTask {
          if let expected = try? await source.userCount() { progress.usersExpected(expected) }
          return .housekeeping
        }
      }
      let listed = BoundedBuffer<SourceUser>(capacity: listingLookahead)
      group.addTask { await graceWatcher(listed: listed) }
      group.addTask { await ticker() }
      group.addTask { await list(into: listed) }
      var running = 0

      do {
        userLoop: while let user = try await listed.next() {
          if stop.isStopped {
            stoppedEarly = true
            break
          }
          guard settings.includes(user), retrying == nil || retrying?[user.id] != nil else { continue }
          let folder: String
          do throws(FolderClaims.Failure) {
            folder = try claims.claim(userId: user.id, email: user.email)
          } catch {
            await failUser(user, error.error, ledger: ledger)
            continue
          }
          let plan = await plan(user, folder: folder, retrying: retrying?[user.id])
          progress.userListed(id: user.id, name: user.displayName, files: plan.count, knownBytes: plan.knownBytes)
          if let finished = ledger.open(user, folder: folder, expected: plan.count) {
            await finishUser(finished)
            continue
          }
          for unresolved in plan.unresolved {
            let outcome = ItemOutcome(id: unresolved.id, kind: unresolved.kind, status: .failed, error: unresolved.error)
            await finishItem(.init(outcome: outcome, countedBytes: 0), of: user, folder: folder, ledger: ledger)
          }
          for kept in plan.kept {
            await finishItem(.init(outcome: kept, countedBytes: kept.size ?? 0), of: user, folder: folder, ledger: ledger)
          }
          for (index, scheduled) in plan.items.enumerated() {
            while running - waitingSlots(pool) >= pool.current, let child = await group.next() {
              if case .item = child { running -= 1 } else if case .graceExpired = child { group.cancelAll() }
            }
            if stop.isStopped {
              stoppedEarly = true
              for (item, destination, _) in plan.items[index...] {
                let outcome = ItemOutcome(
                  id: item.id, kind: item.kind, status: .cancelled, location: item.location,
                  localPath: destination.relativePath, error: ItemError(.cancelled, "the job stopped before this item started")
                )
                await finishItem(.init(outcome: outcome, countedBytes: item.declaredSize ?? 0), of: user, folder: folder, ledger: ledger)
              }
              break userLoop
            }
            let (item, destination, previous) = scheduled
            group.addTask {
              let result: ItemDownloader<Store>.Result
              if let downloader {
                result = await downloader.download(item, to: destination, previous: previous)
              } else {
                let outcome = ItemOutcome(
                  id: item.id, kind: item.kind, status: .planned, location: item.location,
                  localPath: destination.relativePath, size: item.declaredSize, contentType: item.contentType,
                  originalName: item.originalName, metadata: item.metadata
                )
                result = .init(outcome: outcome, countedBytes: item.declaredSize ?? 0)
              }
              await finishItem(result, of: user, folder: folder, ledger: ledger)
              return .item
            }
            running += 1
          }
        }
        if stop.isStopped {
          stoppedEarly = true
        } else {
          progress.listingCompleted()
        }
      } catch {
        if stop.isStopped || error is CancellationError {
          stoppedEarly = true
        } else {
          sourceFailure = "reading users from \(source.info.kind) failed: \(error)"
          logger.error("source failed", metadata: ["mediabatch.job.id": "\(id)", "error": "\(error)"])
        }
      }

      while running > 0, let child = await group.next() {
        if case .item = child { running -= 1 } else if case .graceExpired = child { group.cancelAll() }
      }
      group.cancelAll()
    }

    // Every verified file is in place before the job is seen to end.
    placer.placeWaitingFiles()
    if let reason = failure.current { return .failed(reason: reason) }
    if let sourceFailure { return .failed(reason: sourceFailure) }
    if stoppedEarly || progress.cancelledFiles > 0 { return .stoppedEarly }
    return .finished(failedItems: progress.failedFiles)
  }

  /// Slots lent out while items wait out a backoff (they hold no connection), so a burst of transient failures does not
  /// idle the pool; at most the pool's size more, and none while the store is rate-limiting (the pool is then smaller
  /// on purpose).
  private func waitingSlots(_ pool: PoolLimit) -> Int {
    let limit = pool.current
    return limit < pool.maximum ? 0 : min(progress.retryingCount, limit)
  }

  // MARK: - Planning

  private struct Plan {
    var items: [(MediaItem, ItemDownloader<Store>.Destination, previous: ItemDownloader<Store>.Previous)] = []
    var unresolved: [UnresolvedItem] = []
    /// Items a retry job keeps as they are: complete in an earlier job.
    var kept: [ItemOutcome] = []
    var knownBytes: Int64 = 0
    var count: Int { items.count + unresolved.count + kept.count }
  }

  /// Names every file of a user before any download starts, so the names do not depend on which finishes first,
  /// and pairs each with what earlier jobs left for it. `retrying` holds the `kind/id` keys a retry job fetches.
  private func plan(_ user: SourceUser, folder: String, retrying: Set<String>?) async -> Plan {
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

  // MARK: - Finishing

  private func finishItem(_ result: ItemDownloader<Store>.Result, of user: SourceUser, folder: String, ledger: UserLedger) async {
    let outcome = result.outcome
    var record: ErrorRecord?
    if outcome.status == .failed, let error = outcome.error {
      record = ErrorRecord(user: user.displayName, userId: user.id, itemId: outcome.id, kind: outcome.kind, error: error, at: Date())
    }
    if let error = outcome.error, error.code == .diskFull {
      failure.fail(JobFailure.diskFull(root: layout.root, error.message), stopping: stop)
    }
    progress.itemFinished(outcome, knownBytes: result.countedBytes, error: record)
    metrics.itemFinished(outcome)
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
  private func failUser(_ user: SourceUser, _ error: ItemError, ledger: UserLedger) async {
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

  private func finishUser(_ finished: UserLedger.FinishedUser) async {
    let outcomes = finished.outcomes.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    var result = UserResult(userId: finished.user.id, email: finished.user.email, folder: finished.folder, outcomes: outcomes)
    // A user without a folder (it could not be claimed) has no manifest either.
    if let tree, !finished.folder.isEmpty {
      let manifest = UserManifest(jobId: id, source: source.info.kind, generatedAt: Date(), result: result, items: outcomes)
      do {
        try tree.directory(finished.folder, create: true).writeAtomically(Array(try manifest.encoded()), to: OutputLayout.manifestFileName)
      } catch {
        let itemError = (error as? FileSystemError)?.itemError ?? ItemError(.ioError, "manifest: \(error)")
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

  // MARK: - Housekeeping tasks

  /// Lists users ahead of the downloads, so a slow page does not leave the pool idle.
  private func list(into buffer: BoundedBuffer<SourceUser>) async -> Child {
    do {
      for try await user in source.users() {
        try await buffer.send(user)
      }
      buffer.finish()
    } catch {
      buffer.finish(throwing: error)
    }
    return .housekeeping
  }

  /// After a stop, ends the wait for the next listed user at once (a slow page of the listing must not hold the
  /// stop), gives items in flight the grace period, or none when the job is abandoned, then tells the driver to
  /// cancel what is left, the listing included.
  private func graceWatcher(listed: BoundedBuffer<SourceUser>) async -> Child {
    await stop.wait()
    guard !Task.isCancelled else { return .housekeeping }
    listed.finish()
    let expired = await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        do {
          try await Task.sleep(for: settings.stopGracePeriod)
          return true
        } catch {
          return false
        }
      }
      group.addTask {
        await stop.waitUntilAbandoned()
        return !Task.isCancelled
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
    return expired ? .graceExpired : .housekeeping
  }

  /// Publishes a progress snapshot at a steady pace until the job ends, and writes the job store's batch.
  private func ticker() async -> Child {
    while !Task.isCancelled {
      do {
        try await Task.sleep(for: settings.progressInterval)
      } catch {
        break
      }
      let snapshot = progress.snapshot(status: status())
      events.publish(.progress(snapshot))
      placer.placeWaitingFiles()
      do {
        try await jobStore.checkpoint(JobSummary(snapshot))
      } catch where error.isDiskFull {
        failure.fail(JobFailure.diskFull(root: layout.root, error.description), stopping: stop)
      } catch {
        // Kept buffered by the store for the next checkpoint.
      }
    }
    return .housekeeping
  }
}
