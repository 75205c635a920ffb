import { isJobStatus } from "../statuses";
import type { JobStatus, StatusSnapshot } from "./types";

export const EMPTY_SNAPSHOT: StatusSnapshot = {
  job_id: null,
  status: "idle",
  source: null,
  total_users: 0,
  users_listing_complete: false,
  processed_users: 0,
  current_user: null,
  in_flight_users: [],
  total_files: 0,
  processed_files: 0,
  downloaded_files: 0,
  skipped_files: 0,
  failed_files: 0,
  cancelled_files: 0,
  total_bytes: 0,
  downloaded_bytes: 0,
  speed_bytes_per_second: 0,
  files_per_second: 0,
  eta_seconds: null,
  elapsed_seconds: 0,
  retrying: 0,
  started_at: null,
  finished_at: null,
  error_counts: {},
  errors: [],
};

function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function optionalNum(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** A status this dashboard does not know (from a newer server, say) reads as `idle`. */
export function parseStatus(value: unknown): JobStatus {
  return isJobStatus(value) ? value : "idle";
}

/**
 * Turns a status object from the API or an SSE `snapshot` event into a complete snapshot, so the
 * components never have to guard against a missing field.
 */
export function normalizeSnapshot(raw: unknown): StatusSnapshot {
  const data = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const source = data.source && typeof data.source === "object" ? data.source : null;
  const counts =
    data.error_counts && typeof data.error_counts === "object"
      ? (data.error_counts as Record<string, number>)
      : {};
  return {
    job_id: str(data.job_id),
    status: parseStatus(data.status),
    source: source as StatusSnapshot["source"],
    total_users: num(data.total_users),
    users_listing_complete: data.users_listing_complete === true,
    processed_users: num(data.processed_users),
    current_user: str(data.current_user),
    in_flight_users: Array.isArray(data.in_flight_users)
      ? data.in_flight_users.filter((user): user is string => typeof user === "string")
      : [],
    total_files: num(data.total_files),
    processed_files: num(data.processed_files),
    downloaded_files: num(data.downloaded_files),
    skipped_files: num(data.skipped_files),
    failed_files: num(data.failed_files),
    cancelled_files: num(data.cancelled_files),
    total_bytes: num(data.total_bytes),
    downloaded_bytes: num(data.downloaded_bytes),
    speed_bytes_per_second: num(data.speed_bytes_per_second),
    files_per_second: num(data.files_per_second),
    eta_seconds: optionalNum(data.eta_seconds),
    elapsed_seconds: num(data.elapsed_seconds),
    retrying: num(data.retrying),
    started_at: str(data.started_at),
    finished_at: str(data.finished_at),
    error_counts: counts,
    errors: Array.isArray(data.errors) ? (data.errors as StatusSnapshot["errors"]) : [],
  };
}
