import Foundation
import GRDB
public import MediaBatchCore

/// The engine's side of reading: what earlier jobs left for a folder, and a job's failures to retry.
extension SQLiteJobStore {
  public func knownFiles(folder: String) async -> KnownFiles {
    do {
      return try await writer.read { db in
        var known = KnownFiles()
        let files = try Row.fetchAll(
          db,
          sql: "SELECT files.*, jobs.status AS job_status FROM files LEFT JOIN jobs ON jobs.id = files.job_id WHERE folder = ?",
          arguments: [folder]
        )
        for row in files {
          let kind = MediaKind(row["kind"] as String)
          var outcome = ItemOutcome(id: row["item_id"], kind: kind, status: .downloaded)
          outcome.location = ObjectLocation(bucket: row["bucket"], object: row["object"])
          outcome.generation = row["generation"]
          outcome.localPath = row["local_path"]
          outcome.size = row["size"]
          outcome.crc32c = row["crc32c"]
          outcome.md5 = row["md5"]
          outcome.contentType = row["content_type"]
          outcome.unverified = row["unverified"]
          outcome.contentEncoding = row["content_encoding"]
          outcome.storedSize = row["stored_size"]
          let stamp = (row["modified_ns"] as Int64?).map { FileStamp(size: row["size"], modified: $0) }
          let jobStatus = (row["job_status"] as String?).flatMap(JobStatus.init(rawValue:))
          let finished = jobStatus.map { !$0.isActive && $0 != .interrupted } ?? false
          known.files[kind.name + "/" + outcome.id] = .init(outcome: outcome, stamp: stamp, recordedByFinishedJob: finished)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM partials WHERE folder = ?", arguments: [folder]) {
          let info = ObjectInfo(
            size: row["size"],
            generation: row["generation"],
            crc32c: (row["crc32c"] as Int64?).map { UInt32(truncatingIfNeeded: $0) },
            md5: (row["md5"] as Data?).map { Array($0) },
            contentType: row["content_type"]
          )
          let transfer = PartialTransfer(
            jobId: row["job_id"], folder: folder, relativePath: row["local_path"],
            location: ObjectLocation(bucket: row["bucket"], object: row["object"]), info: info
          )
          known.partials[transfer.relativePath] = transfer
        }
        return known
      }
    } catch {
      logger.error("job store read failed", metadata: ["mediabatch.user.folder": "\(folder)", "error": "\(error)"])
      return .none
    }
  }

  public func failedItems(ofJob jobId: String) async -> [String: Set<String>] {
    do {
      return try await writer.read { db in
        let rows = try Row.fetchCursor(
          db,
          sql: "SELECT user_id, kind, item_id FROM items WHERE job_id = ? AND status IN ('failed', 'cancelled')",
          arguments: [jobId]
        )
        var failed: [String: Set<String>] = [:]
        while let row = try rows.next() {
          failed[row["user_id"] as String, default: []].insert((row["kind"] as String) + "/" + (row["item_id"] as String))
        }
        return failed
      }
    } catch {
      logger.error("job store read failed", metadata: ["mediabatch.job.id": "\(jobId)", "error": "\(error)"])
      return [:]
    }
  }

  // MARK: - Rows

  static func summary(_ row: Row) -> JobSummary {
    let source = SourceInfo(kind: row["source_kind"], description: row["source_description"], isDemo: row["source_is_demo"])
    let status = JobStatus(rawValue: row["status"]) ?? .failed
    var job = JobSummary(
      jobId: row["id"],
      status: status,
      source: source,
      dryRun: row["dry_run"],
      startedAt: Date(timeIntervalSince1970: row["started_at"])
    )
    job.finishedAt = (row["finished_at"] as Double?).map { Date(timeIntervalSince1970: $0) }
    job.totalUsers = row["total_users"]
    job.processedUsers = row["processed_users"]
    job.successfulUsers = row["successful_users"]
    job.failedUsers = row["failed_users"]
    job.stoppedUsers = row["stopped_users"]
    job.totalFilesDownloaded = row["files_downloaded"]
    job.skippedFiles = row["files_skipped"]
    job.failedFiles = row["files_failed"]
    job.cancelledFiles = row["files_cancelled"]
    job.totalSizeBytes = row["bytes"]
    job.processingTimeSeconds = row["elapsed_seconds"]
    job.failureReason = row["failure_reason"]
    if let settings = row["settings"] as String? {
      job.settings = try? JSONDecoder().decode(JobParameters.self, from: Data(settings.utf8))
    }
    return job
  }
}
