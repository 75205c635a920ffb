import GRDB
import Toolbox

/// The job store's tables, built by numbered migrations. A database is migrated forward when it is opened; one
/// written by a newer MediaBatch (a migration this build does not know) is refused rather than changed.
///
/// - `jobs`: one row per job: what it was asked (settings, as JSON), its state, its timings and totals.
/// - `users`: one row per user a job finished: status, counts, the first errors.
/// - `items`: one row per item a job finished: object, generation, local path, size, CRC32C, status, attempts,
///   error code and message, timings. Paged by `rowid`.
/// - `files`: the verified copies in the output folder, one per user folder and item: what the next job checks
///   before fetching anything.
/// - `partials`: downloads in progress, so that a job after a crash can resume their `.partial` files.
enum JobStoreSchema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE jobs (
            id TEXT PRIMARY KEY NOT NULL,
            status TEXT NOT NULL,
            source_kind TEXT NOT NULL,
            source_description TEXT NOT NULL,
            source_is_demo INTEGER NOT NULL,
            dry_run INTEGER NOT NULL,
            settings TEXT,
            started_at REAL NOT NULL,
            finished_at REAL,
            updated_at REAL NOT NULL,
            total_users INTEGER NOT NULL DEFAULT 0,
            processed_users INTEGER NOT NULL DEFAULT 0,
            successful_users INTEGER NOT NULL DEFAULT 0,
            failed_users INTEGER NOT NULL DEFAULT 0,
            stopped_users INTEGER NOT NULL DEFAULT 0,
            files_downloaded INTEGER NOT NULL DEFAULT 0,
            files_skipped INTEGER NOT NULL DEFAULT 0,
            files_failed INTEGER NOT NULL DEFAULT 0,
            files_cancelled INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL DEFAULT 0,
            elapsed_seconds REAL NOT NULL DEFAULT 0,
            failure_reason TEXT
          );
          CREATE INDEX jobs_by_start ON jobs(started_at);

          CREATE TABLE users (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            email TEXT,
            folder TEXT NOT NULL,
            status TEXT NOT NULL,
            files_downloaded INTEGER NOT NULL,
            files_skipped INTEGER NOT NULL,
            files_failed INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            errors TEXT NOT NULL
          );
          CREATE INDEX users_by_job ON users(job_id, status);

          CREATE TABLE items (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            folder TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_id TEXT NOT NULL,
            status TEXT NOT NULL,
            bucket TEXT,
            object TEXT,
            generation TEXT,
            local_path TEXT,
            size INTEGER,
            crc32c TEXT,
            md5 TEXT,
            content_type TEXT,
            attempts INTEGER NOT NULL,
            error_code TEXT,
            error_message TEXT,
            started_at REAL NOT NULL,
            seconds REAL NOT NULL
          );
          CREATE INDEX items_by_job ON items(job_id, status);
          CREATE INDEX items_by_error ON items(job_id, error_code) WHERE error_code IS NOT NULL;
          CREATE INDEX items_by_user ON items(job_id, user_id);

          CREATE TABLE files (
            folder TEXT NOT NULL,
            kind TEXT NOT NULL,
            item_id TEXT NOT NULL,
            local_path TEXT NOT NULL,
            bucket TEXT NOT NULL,
            object TEXT NOT NULL,
            generation TEXT,
            size INTEGER NOT NULL,
            crc32c TEXT NOT NULL,
            md5 TEXT,
            content_type TEXT,
            job_id TEXT NOT NULL,
            PRIMARY KEY (folder, kind, item_id)
          ) WITHOUT ROWID;
          """
      )
    }
    // v2: resumable downloads and the quick check of unchanged files.
    migrator.registerMigration("v2") { db in
      try db.execute(
        sql: """
          ALTER TABLE files ADD COLUMN modified_ns INTEGER;
          ALTER TABLE items ADD COLUMN resumed_from INTEGER;
          CREATE TABLE partials (
            folder TEXT NOT NULL,
            local_path TEXT NOT NULL,
            bucket TEXT NOT NULL,
            object TEXT NOT NULL,
            generation TEXT NOT NULL,
            size INTEGER,
            crc32c INTEGER,
            md5 BLOB,
            content_type TEXT,
            job_id TEXT NOT NULL,
            PRIMARY KEY (folder, local_path)
          ) WITHOUT ROWID;
          """
      )
    }
    // v3: files accepted without a hash to check them against (`--allow-unverified`), and gzip-encoded objects
    // saved decompressed (their encoding and stored size).
    migrator.registerMigration("v3") { db in
      try db.execute(
        sql: """
          ALTER TABLE files ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE items ADD COLUMN unverified INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE files ADD COLUMN content_encoding TEXT;
          ALTER TABLE items ADD COLUMN content_encoding TEXT;
          ALTER TABLE files ADD COLUMN stored_size INTEGER;
          ALTER TABLE items ADD COLUMN stored_size INTEGER;
          """
      )
    }
    // v4: the last manifest written into each user folder, so an unchanged user's manifest is left as it is.
    migrator.registerMigration("v4") { db in
      try db.execute(
        sql: """
          CREATE TABLE manifests (
            folder TEXT NOT NULL PRIMARY KEY,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            job_id TEXT NOT NULL
          ) WITHOUT ROWID;
          """
      )
    }
    // v5: the users of the export, each by its latest result, looked up and searched by id.
    migrator.registerMigration("v5") { db in
      try db.execute(sql: "CREATE INDEX users_by_user_id ON users(user_id)")
    }
    return migrator
  }

  /// The newest migration this build knows.
  static let currentVersion = "v5"
}
