/** Shapes of the MediaBatch HTTP API (docs/API.md). */

export type JobStatus =
  | "idle"
  | "processing"
  | "stopping"
  | "completed"
  | "completed_with_errors"
  | "stopped"
  | "failed"
  | "interrupted";

export const RUNNING_STATUSES: readonly JobStatus[] = ["processing", "stopping"];

export function isRunning(status: JobStatus | undefined): boolean {
  return status !== undefined && RUNNING_STATUSES.includes(status);
}

export interface SourceInfo {
  kind: string;
  description: string;
  is_demo: boolean;
}

export interface ItemError {
  user?: string;
  user_id?: string;
  item_id: string;
  kind: string;
  code: string;
  message: string;
  at?: string;
}

export interface StatusSnapshot {
  job_id: string | null;
  status: JobStatus;
  source?: SourceInfo | null;
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

export interface UserResult {
  user_id: string;
  email: string;
  folder: string;
  status: UserStatus;
  files_downloaded: number;
  files_failed: number;
  bytes: number;
  errors: ItemError[];
}

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

export interface JobSummary {
  job_id: string;
  status: JobStatus;
  source?: SourceInfo | null;
  started_at: string | null;
  finished_at: string | null;
  total_users: number;
  processed_users: number;
  successful_users: number;
  failed_users: number;
  total_files_downloaded: number;
  skipped_files?: number;
  failed_files: number;
  cancelled_files?: number;
  total_size_bytes: number;
  processing_time_seconds: number;
  dry_run: boolean;
  settings?: JobSettings;
}

/** What a job was asked to do. */
export interface JobSettings {
  concurrency: number;
  retry_failed_of?: string;
  resumes?: string;
}

export interface JobList {
  jobs: JobSummary[];
  next_cursor?: string | null;
}

export interface StartRequest {
  users?: string[];
  kinds?: string[];
  dry_run?: boolean;
  retry_failed_of?: string;
}

export interface StartResponse {
  message: string;
  status: JobStatus;
  job_id: string;
}

export interface ErrorBody {
  error: { code: string; message: string };
}
