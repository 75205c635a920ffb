import { useState } from "react";
import { api } from "../api/client";
import "../styles/button.css";

interface RetryUserProps {
  userId: string;
  /** A job may start now: the server answers and none runs. */
  canStart: boolean;
  onStarted: (jobId: string) => void;
}

type Outcome = { kind: "started"; jobId: string } | { kind: "refused"; message: string } | null;

/** Starts a job for this one user (`POST /batch-process-users` with `{"users": [id]}`) and says how it went. */
export function RetryUser({ userId, canStart, onStarted }: RetryUserProps) {
  const [pending, setPending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const retry = () => {
    setPending(true);
    setOutcome(null);
    api.start({ users: [userId] }).then(
      (started) => {
        setPending(false);
        setOutcome({ kind: "started", jobId: started.job_id });
        onStarted(started.job_id);
      },
      (error: Error) => {
        setPending(false);
        setOutcome({ kind: "refused", message: error.message });
      },
    );
  };

  return (
    <div className="retry-user">
      <button
        type="button"
        className="button button-primary"
        onClick={retry}
        disabled={!canStart || pending}
        data-testid="retry-user"
        title={canStart ? "Export this user again: complete files are kept, the rest is fetched" : "A job is running"}
      >
        {pending ? "Starting…" : "Retry this user"}
      </button>
      <span className="retry-user-result" role="status" data-testid="retry-user-result" data-outcome={outcome?.kind ?? ""}>
        {outcome?.kind === "started" && (
          <>
            Started job <span className="mono">{outcome.jobId}</span>: <a href="#/">follow it</a>.
          </>
        )}
        {outcome?.kind === "refused" && <span className="text-danger">The retry could not start: {outcome.message}</span>}
        {outcome === null && !canStart && !pending && <span className="muted">Available once the running job ends.</span>}
      </span>
    </div>
  );
}
