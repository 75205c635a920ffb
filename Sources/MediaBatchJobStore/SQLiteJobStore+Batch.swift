import Foundation
import GRDB
import MediaBatchCore

/// Writing a batch of records: one transaction per checkpoint.
extension SQLiteJobStore {
  /// Writes a batch of records, on the database's writer queue.
  func write(_ batch: Batch, _ db: Database) throws {
    guard !batch.isEmpty else { return }
    // A record of a file or a manifest says it is on disk: flush first.
    if batch.items.contains(where: { $0.stamp != nil }) || !batch.manifests.isEmpty { flushFileSystem() }

    // A transfer whose item finished in the same batch left no partial file to resume.
    let finishedPaths = Set(batch.items.compactMap { item in item.outcome.localPath.map { item.folder + "/" + $0 } })
    for transfer in batch.partials where !finishedPaths.contains(transfer.folder + "/" + transfer.relativePath) {
      try PartialRow(transfer)?.insert(db, onConflict: .replace)
    }
    for finished in batch.items {
      try db.cachedStatement(sql: ItemRow.insertSQL).execute(arguments: ItemRow(finished).insertArguments)
      try FileRow(finished)?.insert(db, onConflict: .replace)
      // However the item ended, its partial file is gone: renamed into place or deleted.
      if let localPath = finished.outcome.localPath {
        // One prepared statement for every item: preparing it again per item cost more than the delete.
        try db.cachedStatement(sql: "DELETE FROM partials WHERE folder = ? AND local_path = ?")
          .execute(arguments: [finished.folder, localPath])
      }
    }
    for (jobId, result) in batch.users {
      try UserRow(jobId: jobId, result).insert(db)
    }
    for manifest in batch.manifests {
      try ManifestRow(manifest).insert(db, onConflict: .replace)
    }
  }

  static func updateTotals(_ job: JobSummary, _ db: Database) throws {
    try JobRow.filter(JobRow.Columns.id == job.jobId).updateAll(db, JobRow.totals(of: job))
  }
}
