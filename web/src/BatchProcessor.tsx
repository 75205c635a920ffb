import { useEffect, useState } from "react";
import { EMPTY_SNAPSHOT } from "./api/snapshot";
import type { JobStatus, StatusSnapshot } from "./api/types";
import { ConnectionBanner, ConnectionIndicator } from "./components/ConnectionBanner";
import { DemoNotice } from "./components/DemoNotice";
import { ErrorPanel } from "./components/ErrorPanel";
import { JobControls } from "./components/JobControls";
import { JobHistory } from "./components/JobHistory";
import { ProgressPanel } from "./components/ProgressPanel";
import { ResultsPanel } from "./components/ResultsPanel";
import { StatusBadge } from "./components/StatusBadge";
import { TokenPrompt } from "./components/TokenPrompt";
import { useAuth } from "./hooks/useAuth";
import { useLiveStatus } from "./hooks/useLiveStatus";
import { isRunning } from "./statuses";
import "./styles/card.css";
import "./BatchProcessor.css";

/** The state the page shows right after Start or Stop, until the server's next snapshot. */
interface Optimistic {
  status: JobStatus;
  jobId: string | null;
  /** `LiveStatus.updates` when it was set: any later snapshot replaces it. */
  atUpdate: number;
}

/** The dashboard: controls, live progress, errors, per-user results and job history. */
export function BatchProcessor() {
  const auth = useAuth();
  const live = useLiveStatus(auth.token, !auth.rejected);
  const snapshot: StatusSnapshot = live.snapshot ?? EMPTY_SNAPSHOT;
  const [optimistic, setOptimistic] = useState<Optimistic | null>(null);

  useEffect(() => {
    if (optimistic && live.updates !== optimistic.atUpdate) setOptimistic(null);
  }, [live.updates, optimistic]);

  const status = optimistic?.status ?? snapshot.status;
  const jobId = optimistic?.jobId ?? snapshot.job_id;
  // Right after Start, the last snapshot still describes the previous job: show the new one from zero.
  const shown: StatusSnapshot =
    jobId === snapshot.job_id
      ? { ...snapshot, status }
      : { ...EMPTY_SNAPSHOT, source: snapshot.source, job_id: jobId, status };
  const reachable = live.mode !== "offline" && live.snapshot !== null;
  const enabled = !auth.rejected;

  const title = isRunning(status) ? `MediaBatch · ${percentText(shown)}` : "MediaBatch";
  useEffect(() => {
    document.title = title;
  }, [title]);

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="3" y="4" width="18" height="4" rx="1.5" />
            <rect x="3" y="10" width="18" height="4" rx="1.5" opacity="0.7" />
            <rect x="3" y="16" width="18" height="4" rx="1.5" opacity="0.45" />
          </svg>
          <div>
            <h1>MediaBatch</h1>
            <p className="muted source" data-testid="source-description">
              {snapshot.source?.description ?? "Export of users' media to a local folder"}
            </p>
          </div>
        </div>
        <div className="header-side">
          <ConnectionIndicator mode={live.mode} locked={auth.rejected} />
        </div>
      </header>

      {!auth.rejected && <ConnectionBanner mode={live.mode} lastUpdateAt={live.lastUpdateAt} />}

      <main className="layout">
        {auth.rejected ? (
          <TokenPrompt hadToken={auth.token !== null} />
        ) : (
          <>
            <DemoNotice source={snapshot.source} />

            <section className="card job-card" aria-labelledby="job-title" data-testid="job-panel">
              <div className="card-head">
                <h2 id="job-title">Current job</h2>
                <StatusBadge status={status} id="job-status" testId="job-status" live />
              </div>
              {jobId && (
                <p className="muted job-id">
                  Job <span className="mono" data-testid="job-id">{jobId}</span>
                </p>
              )}
              <JobControls
                status={status}
                available={reachable}
                onStatusChange={(next, nextJobId) =>
                  setOptimistic({ status: next, jobId: nextJobId ?? jobId, atUpdate: live.updates })
                }
              />
              <ProgressPanel snapshot={shown} />
            </section>

            <ErrorPanel snapshot={shown} />
            <ResultsPanel jobId={jobId} status={status} enabled={enabled} />
            <JobHistory
              jobId={jobId}
              status={status}
              enabled={enabled}
              canStart={reachable && !isRunning(status)}
              onRetryStarted={(nextJobId) => setOptimistic({ status: "processing", jobId: nextJobId, atUpdate: live.updates })}
            />
          </>
        )}
      </main>
    </div>
  );
}

function percentText(snapshot: { processed_files: number; total_files: number }): string {
  if (snapshot.total_files <= 0) return "starting";
  return `${Math.floor((snapshot.processed_files / snapshot.total_files) * 100)}%`;
}
