import type { JobStatus, UserStatus } from "../api/types";
import { statusLabel } from "../statuses";
import "./StatusBadge.css";

interface StatusBadgeProps {
  status: JobStatus | UserStatus;
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
