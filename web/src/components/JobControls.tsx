import { useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client";
import type { JobStatus } from "../api/types";
import { isRunning } from "../statuses";
import "../styles/button.css";
import "./JobControls.css";

interface JobControlsProps {
  status: JobStatus;
  /** False while the server cannot be reached or waits for a token. */
  available: boolean;
  /** Lets the page show the new state before the next snapshot arrives. */
  onStatusChange: (status: JobStatus, jobId: string | null) => void;
}

type Pending = "start" | "stop" | null;

/** Start and Stop, with an inline confirmation before a running job is stopped. */
export function JobControls({ status, available, onStatusChange }: JobControlsProps) {
  const [dryRun, setDryRun] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [message, setMessage] = useState<string | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);

  const running = isRunning(status);
  const canStart = available && !running && pending === null;
  const canStop = available && status === "processing" && pending === null;

  // The confirmation only makes sense while the job it would stop is running.
  useEffect(() => {
    if (status !== "processing") setConfirming(false);
  }, [status]);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const start = async () => {
    setPending("start");
    setMessage(null);
    try {
      const response = await api.start(dryRun ? { dry_run: true } : {});
      onStatusChange(response.status ?? "processing", response.job_id ?? null);
    } catch (error) {
      setMessage(describe(error, "The job could not be started."));
    } finally {
      setPending(null);
    }
  };

  const stop = async () => {
    setPending("stop");
    setMessage(null);
    try {
      const response = await api.stop();
      onStatusChange(response.status ?? "stopping", response.job_id ?? null);
    } catch (error) {
      setMessage(describe(error, "The job could not be stopped."));
    } finally {
      setPending(null);
      setConfirming(false);
    }
  };

  const cancelConfirm = () => {
    setConfirming(false);
    stopRef.current?.focus();
  };

  return (
    <div className="controls" data-testid="job-controls">
      <div className="controls-row">
        <button
          type="button"
          className="button button-primary"
          id="start-button"
          data-testid="start-button"
          onClick={start}
          disabled={!canStart}
        >
          {pending === "start" ? "Starting…" : running ? "Job running" : "Start export"}
        </button>
        <button
          type="button"
          className="button button-danger-outline"
          id="stop-button"
          data-testid="stop-button"
          ref={stopRef}
          onClick={() => setConfirming(true)}
          disabled={!canStop || confirming}
          aria-expanded={confirming}
          aria-controls="stop-confirm"
        >
          {status === "stopping" || pending === "stop" ? "Stopping…" : "Stop"}
        </button>
        <label className="checkbox" htmlFor="dry-run">
          <input
            id="dry-run"
            type="checkbox"
            checked={dryRun}
            disabled={running}
            onChange={(event) => setDryRun(event.target.checked)}
          />
          Dry run <span className="muted">(plan only, download nothing)</span>
        </label>
      </div>

      {confirming && (
        <div
          className="confirm"
          id="stop-confirm"
          data-testid="stop-confirm"
          role="group"
          aria-labelledby="stop-confirm-text"
          onKeyDown={(event) => {
            if (event.key === "Escape") cancelConfirm();
          }}
        >
          <p id="stop-confirm-text">
            Stop the running job? Downloads in progress get a few seconds to finish; finished files are kept
            and a later run can pick up the rest.
          </p>
          <div className="controls-row">
            <button
              type="button"
              className="button button-danger"
              id="confirm-stop-button"
              data-testid="confirm-stop-button"
              ref={confirmRef}
              onClick={stop}
              disabled={pending !== null}
            >
              Stop job
            </button>
            <button
              type="button"
              className="button"
              id="cancel-stop-button"
              data-testid="cancel-stop-button"
              onClick={cancelConfirm}
            >
              Keep running
            </button>
          </div>
        </div>
      )}

      {message && (
        <p className="form-error" role="alert" data-testid="action-error">
          {message}
        </p>
      )}
    </div>
  );
}

function describe(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    if (error.isUnauthorized) return "The server needs an access token.";
    return error.message || fallback;
  }
  return fallback;
}
