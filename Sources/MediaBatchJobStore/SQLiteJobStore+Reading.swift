import Foundation
import GRDB
public import MediaBatchCore

/// The engine's side of reading: what earlier jobs left for a folder, and a job's failures to retry.
extension SQLiteJobStore {
  public func knownFiles(folder: String) async -> KnownFiles {
    do {
      return try await writer.read { db in
        var known = KnownFiles()
        // Which jobs ended normally: a file they recorded can be trusted by its stamp alone.
        // Asked once per user: prepared statements, kept for the next user.
        let files = try FileRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM files WHERE folder = ?"), arguments: [folder])
        var statuses: [String: String] = [:]
        for jobId in Set(files.map(\.jobId)) {
          statuses[jobId] = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM jobs WHERE id = ?"), arguments: [jobId])
        }
        for file in files {
          let jobStatus = statuses[file.jobId].flatMap(JobStatus.init(rawValue:))
          let finished = jobStatus.map { !$0.isActive && $0 != .interrupted } ?? false
          known.files[file.kind + "/" + file.itemId] = .init(outcome: file.outcome, stamp: file.stamp, recordedByFinishedJob: finished)
        }
        for row in try PartialRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM partials WHERE folder = ?"), arguments: [folder]) {
          known.partials[row.localPath] = row.transfer
        }
        known.manifest = try ManifestRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM manifests WHERE folder = ?"), arguments: [folder])?
          .record
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
        let request = ItemRow.filter(
          ItemRow.Columns.jobId == jobId && [ItemOutcome.Status.failed.rawValue, ItemOutcome.Status.cancelled.rawValue].contains(ItemRow.Columns.status))
        var failed: [String: Set<String>] = [:]
        let rows = try request.fetchCursor(db)
        while let row = try rows.next() {
          failed[row.userId, default: []].insert(row.kind + "/" + row.itemId)
        }
        return failed
      }
    } catch {
      logger.error("job store read failed", metadata: ["mediabatch.job.id": "\(jobId)", "error": "\(error)"])
      return [:]
    }
  }
}
