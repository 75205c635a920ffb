/**
 * Shapes of the MediaBatch HTTP API. Each interface marked `@schema X` holds a subset of the keys of the schema `X` in
 * Sources/MediaBatchServer/OpenAPI/openapi.yaml, with the same optionality and nullability; the Swift test
 * `OpenAPIContractTests` reads both files and fails when they disagree.
 */

/**
 * The one list of job statuses in the dashboard: `OpenAPIContractTests` compares these literals with the schema's
 * enum, and statuses.ts derives the run-time list from this type (the compiler rejects a table that misses one).
 * @schema JobStatus
 */
export type JobStatus =
  | "idle"
  | "processing"
  | "stopping"
  | "completed"
  | "completed_with_errors"
  | "stopped"
  | "failed"
  | "interrupted";

/** @schema Source */
export interface SourceInfo {
  kind: string;
  description: string;
  is_demo: boolean;
}

/** An item error of a progress snapshot. @schema ErrorRecord */
export interface ItemError {
  user: string;
  user_id: string;
  item_id: string;
  kind: string;
  code: string;
  message: string;
  at: string;
}

/** An item error of a user's result. @schema UserError */
export interface UserError {
  item_id: string;
  kind: string;
  code: string;
  message: string;
}

/** @schema Snapshot */
export interface StatusSnapshot {
  job_id: string | null;
  status: JobStatus;
  source: SourceInfo | null;
  total_users: number;
  users_listing_complete: boolean;
  processed_users: number;
  current_user: string | null;
  in_flight_users: string[];
  total_files: number;
  processed_files: number;
  downloaded_files: number;
  skipped_files: number;
  failed_files: number;
  cancelled_files: number;
  total_bytes: number;
  downloaded_bytes: number;
  speed_bytes_per_second: number;
  files_per_second: number;
  eta_seconds: number | null;
  elapsed_seconds: number;
  retrying: number;
  started_at: string | null;
  finished_at: string | null;
  error_counts: Record<string, number>;
  errors: ItemError[];
}

export type UserStatus = "succeeded" | "failed" | "stopped" | string;

/** @schema UserResult */
export interface UserResult {
  user_id: string;
  email: string | null;
  folder: string;
  status: UserStatus;
  files_downloaded: number;
  files_failed: number;
  bytes: number;
  errors: UserError[];
}

/** @schema Results */
export interface ResultsPage {
  job_id: string | null;
  status: JobStatus;
  total_files_downloaded: number;
  total_size_bytes: number;
  processing_time_seconds: number;
  successful_users: number;
  failed_users: number;
  users: UserResult[];
  next_cursor: string | null;
}

/** @schema JobSummary */
export interface JobSummary {
  job_id: string;
  status: JobStatus;
  source: SourceInfo;
  started_at: string;
  finished_at: string | null;
  total_users: number;
  processed_users: number;
  successful_users: number;
  failed_users: number;
  total_files_downloaded: number;
  skipped_files: number;
  failed_files: number;
  cancelled_files: number;
  total_size_bytes: number;
  processing_time_seconds: number;
  dry_run: boolean;
  settings: JobSettings | null;
}

/** What a job was asked to do. @schema JobSettings */
export interface JobSettings {
  concurrency: number;
  retry_failed_of?: string;
  resumes?: string;
}

/** @schema JobList */
export interface JobList {
  jobs: JobSummary[];
  next_cursor: string | null;
}

/** @schema StartRequest */
export interface StartRequest {
  users?: string[];
  kinds?: string[];
  dry_run?: boolean;
  retry_failed_of?: string;
}

/** @schema Accepted */
export interface StartResponse {
  message: string;
  status: JobStatus;
  job_id: string;
}

/** @schema Error */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** One exported user in the list: by the latest job that finished them. @schema ExportedUser */
export interface ExportUserSummary {
  user_id: string;
  email: string | null;
  folder: string;
  /** The user's result in the job that last exported them: `succeeded`, `failed`, `stopped`, … */
  status: string;
  files_exported: number;
  files_failed: number;
  bytes: number;
  job_id: string;
}

export interface ExportUserList {
  users: ExportUserSummary[];
  next_cursor: string | null;
}

export interface ExportItemError {
  code: string;
  message: string;
}

/** One item of a user's manifest. @schema ExportedItem */
export interface ExportItem {
  id: string;
  /** `images`, `voices`, or a kind this dashboard does not know. */
  kind: string;
  /** `downloaded`, `skipped`, `failed`, `cancelled`, … */
  status: string;
  size: number | null;
  content_type: string | null;
  original_name: string | null;
  crc32c: string | null;
  metadata: Record<string, unknown> | null;
  error: ExportItemError | null;
  /** Set only when the item has a file on disk (downloaded or skipped). */
  file_url: string | null;
}

/** `GET /exports/users/{id}`: the user (as in the list) and every item of their manifest. */
export interface ExportUserDetail {
  user_id: string;
  email: string | null;
  folder: string;
  status: string;
  job_id: string;
  /** True (with no items) when the folder's manifest cannot be read or names another user. */
  manifest_missing?: boolean;
  items: ExportItem[];
}
