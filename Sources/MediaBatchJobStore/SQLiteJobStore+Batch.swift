import Foundation
import GRDB
import MediaBatchCore

/// Writing a batch of records: one transaction per checkpoint.
extension SQLiteJobStore {
  /// Writes a batch of records, on the database's writer queue.
  func write(_ batch: Batch, _ db: Database) throws {
    guard !batch.isEmpty else { return }
    if batch.items.contains(where: { $0.stamp != nil }) { flushFileSystem() }

    let finishedPaths = Set(batch.items.compactMap { item in item.outcome.localPath.map { item.folder + "/" + $0 } })
    let partial = try db.cachedStatement(
      sql: """
        INSERT OR REPLACE INTO partials (folder, local_path, bucket, object, generation, size, crc32c, md5, content_type, job_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    )
    for transfer in batch.partials where !finishedPaths.contains(transfer.folder + "/" + transfer.relativePath) {
      guard let generation = transfer.info.generation else { continue }
      try partial.execute(arguments: [
        transfer.folder, transfer.relativePath, transfer.location.bucket, transfer.location.object, generation,
        transfer.info.size, transfer.info.crc32c.map { Int64($0) }, transfer.info.md5.map { Data($0) }, transfer.info.contentType,
        transfer.jobId,
      ])
    }

    let item = try db.cachedStatement(
      sql: """
        INSERT INTO items (job_id, user_id, folder, kind, item_id, status, bucket, object, generation, local_path, size,
          crc32c, md5, content_type, attempts, error_code, error_message, started_at, seconds, resumed_from, unverified,
          content_encoding, stored_size)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    )
    let file = try db.cachedStatement(
      sql: """
        INSERT OR REPLACE INTO files (folder, kind, item_id, local_path, bucket, object, generation, size, crc32c, md5,
          content_type, job_id, modified_ns, unverified, content_encoding, stored_size)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    )
    let partialDone = try db.cachedStatement(sql: "DELETE FROM partials WHERE folder = ? AND local_path = ?")
    for finished in batch.items {
      let o = finished.outcome
      try item.execute(arguments: [
        finished.jobId, finished.userId, finished.folder, o.kind.name, o.id, o.status.rawValue, o.location?.bucket,
        o.location?.object, o.generation, o.localPath, o.size, o.crc32c, o.md5, o.contentType, o.attempts,
        o.error?.code.rawValue, o.error?.message, finished.startedAt.timeIntervalSince1970, finished.seconds, o.resumedFrom,
        o.unverified, o.contentEncoding, o.storedSize,
      ])
      if let stamp = finished.stamp, let location = o.location, let localPath = o.localPath, let crc32c = o.crc32c {
        try file.execute(arguments: [
          finished.folder, o.kind.name, o.id, localPath, location.bucket, location.object, o.generation, stamp.size, crc32c,
          o.md5, o.contentType, finished.jobId, stamp.modified, o.unverified, o.contentEncoding, o.storedSize,
        ])
      }
      // However the item ended, its partial file is gone: renamed into place or deleted.
      if let localPath = o.localPath {
        try partialDone.execute(arguments: [finished.folder, localPath])
      }
    }

    let user = try db.cachedStatement(
      sql: """
        INSERT INTO users (job_id, user_id, email, folder, status, files_downloaded, files_skipped, files_failed, bytes, errors)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    )
    let encoder = JSONEncoder()
    for (jobId, result) in batch.users {
      let errors = String(decoding: try encoder.encode(result.errors), as: UTF8.self)
      try user.execute(arguments: [
        jobId, result.userId, result.email, result.folder, result.status.rawValue, result.filesDownloaded, result.filesSkipped,
        result.filesFailed, result.bytes, errors,
      ])
    }
  }

  static func updateTotals(_ job: JobSummary, _ db: Database) throws {
    try db.execute(
      sql: """
        UPDATE jobs SET status = ?, finished_at = ?, updated_at = ?, total_users = ?, processed_users = ?,
          successful_users = ?, failed_users = ?, stopped_users = ?, files_downloaded = ?, files_skipped = ?,
          files_failed = ?, files_cancelled = ?, bytes = ?, elapsed_seconds = ?, failure_reason = ?
        WHERE id = ?
        """,
      arguments: [
        job.status.rawValue, job.finishedAt?.timeIntervalSince1970, Date().timeIntervalSince1970, job.totalUsers,
        job.processedUsers, job.successfulUsers, job.failedUsers, job.stoppedUsers, job.totalFilesDownloaded,
        job.skippedFiles, job.failedFiles, job.cancelledFiles, job.totalSizeBytes, job.processingTimeSeconds,
        job.failureReason, job.jobId,
      ]
    )
  }
}
