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
  /// Prefixes not worth listing again.
  let listingBudget = ListingBudget()


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
        progress: progress, tree: tree, pool: pool, jobId: id, jobStore: jobStore, metrics: metrics, slicing: settings.slicing)
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
          if let finished = ledger.open(user, folder: folder, expected: plan.count, previousManifest: plan.previousManifest) {
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

  // MARK: - Housekeeping tasks

  /// Lists users ahead of the downloads, so a slow page does not leave the pool idle.
  private func list(into buffer: BoundedBuffer<SourceUser>) async -> Child {
    do {
      if let shard = settings.shard {
        let plan = try await ShardPlan.resolve(source: source, parts: shard.count, root: layout.root, record: tree != nil, logger: logger)
        if let points = plan.splitPoints {
          guard let range = UserRange.shard(shard.index, of: points) else {
            logger.notice("shard \(shard) has no users: the listing split into \(points.count + 1) parts only")
            buffer.finish()
            return .housekeeping
          }
          logger.info("shard \(shard) reads the users in \(range)")
          for try await user in source.users(in: range) { try await buffer.send(user) }
        } else {
          let reason = plan.reason ?? "the listing cannot be split"
          logger.warning(
            "shard \(shard): \(reason). This shard reads every user and keeps those whose id hashes to it, so each of the \(shard.count) shards reads (and, on Firestore, is billed for) the whole users collection"
          )
          for try await user in source.users() where shard.contains(userId: user.id) { try await buffer.send(user) }
        }
      } else {
        for try await user in source.users() { try await buffer.send(user) }
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
