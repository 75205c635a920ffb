import type { JobStatus } from "../api/types";

const LABELS: Record<string, string> = {
  idle: "Idle",
  processing: "Processing",
  stopping: "Stopping",
  completed: "Completed",
  completed_with_errors: "Completed with errors",
  stopped: "Stopped",
  failed: "Failed",
  interrupted: "Interrupted",
  succeeded: "Succeeded",
};

export function statusLabel(status: JobStatus | string): string {
  return LABELS[status] ?? status;
}

interface StatusBadgeProps {
  status: JobStatus | string;
  id?: string;
  testId?: string;
  /** Announce changes to screen readers (for the one badge that follows the running job). */
  live?: boolean;
}

/** A job or user status as a coloured pill; the colour is never the only signal. */
export function StatusBadge({ status, id, testId, live = false }: StatusBadgeProps) {
  return (
    <span
      className={`badge badge-${status}`}
      id={id}
      data-testid={testId}
      data-status={status}
      role={live ? "status" : undefined}
    >
      <span className="badge-dot" aria-hidden="true" />
      {statusLabel(status)}
    </span>
  );
}
