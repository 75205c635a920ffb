/**
 * Job and user statuses at run time. The statuses themselves are listed once, in the `JobStatus` type of
 * api/types.ts (which the OpenAPI contract test compares with the API's description); everything here derives
 * from that type, so a status added there cannot be forgotten here: the compiler refuses `JOB_STATUS_LABELS`
 * until it has a label for it, and a label for a status the type does not have.
 */
import type { JobStatus, UserStatus } from "./api/types";

/** How each job status reads on screen, in the order of the API's description. */
export const JOB_STATUS_LABELS: Readonly<Record<JobStatus, string>> = {
  idle: "Idle",
  processing: "Processing",
  stopping: "Stopping",
  completed: "Completed",
  completed_with_errors: "Completed with errors",
  stopped: "Stopped",
  failed: "Failed",
  interrupted: "Interrupted",
};

/** Every job status, derived from the labels above rather than spelled out a second time. */
export const JOB_STATUSES: readonly JobStatus[] = Object.keys(JOB_STATUS_LABELS) as JobStatus[];

/** The statuses of a job that is still working: Start is refused and the figures keep moving. */
export const RUNNING_STATUSES: readonly JobStatus[] = ["processing", "stopping"];

/**
 * A user's result shares `failed` and `stopped` (and, in an export, `completed`) with jobs; `succeeded` is its own.
 * An exported item is `downloaded`, `skipped` (already on disk, unchanged), `planned` (a dry run), `failed` or
 * `cancelled`.
 */
const USER_AND_ITEM_LABELS: Readonly<Record<string, string>> = {
  succeeded: "Succeeded",
  downloaded: "Downloaded",
  skipped: "Up to date",
  planned: "Planned",
  cancelled: "Cancelled",
};

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(JOB_STATUS_LABELS, value);
}

export function isRunning(status: JobStatus | undefined): boolean {
  return status !== undefined && RUNNING_STATUSES.includes(status);
}

/** The label of a job or user status; a status this dashboard does not know shows as sent. */
export function statusLabel(status: JobStatus | UserStatus): string {
  if (isJobStatus(status)) return JOB_STATUS_LABELS[status];
  return Object.prototype.hasOwnProperty.call(USER_AND_ITEM_LABELS, status) ? USER_AND_ITEM_LABELS[status] : status;
}
