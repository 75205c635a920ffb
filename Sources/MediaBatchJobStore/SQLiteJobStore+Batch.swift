import Foundation
import GRDB
import MediaBatchCore

/// Writing a batch of records: one transaction per checkpoint.
extension SQLiteJobStore {
  /// Writes a batch of records, on the database's writer queue.
  func write(_ batch: Batch, _ db: Database) throws {
    guard !batch.isEmpty else { return }
    if batch.items.contains(where: { $0.stamp != nil }) { flushFileSystem() }

    // A transfer whose item finished in the same batch left no partial file to resume.
    let finishedPaths = Set(batch.items.compactMap { item in item.outcome.localPath.map { item.folder + "/" + $0 } })
    for transfer in batch.partials where !finishedPaths.contains(transfer.folder + "/" + transfer.relativePath) {
      try PartialRow(transfer)?.insert(db, onConflict: .replace)
    }
    for finished in batch.items {
      try ItemRow(finished).insert(db)
      try FileRow(finished)?.insert(db, onConflict: .replace)
      // However the item ended, its partial file is gone: renamed into place or deleted.
      if let localPath = finished.outcome.localPath {
        try PartialRow.filter(PartialRow.Columns.folder == finished.folder && PartialRow.Columns.localPath == localPath).deleteAll(db)
      }
    }
    for (jobId, result) in batch.users {
      try UserRow(jobId: jobId, result).insert(db)
    }
  }

  static func updateTotals(_ job: JobSummary, _ db: Database) throws {
    try JobRow.filter(JobRow.Columns.id == job.jobId).updateAll(db, JobRow.totals(of: job))
  }
}
