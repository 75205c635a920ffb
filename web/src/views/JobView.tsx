import type { JobStatus, StatusSnapshot } from "../api/types";
import { ChartsPanel } from "../components/ChartsPanel";
import { DemoNotice } from "../components/DemoNotice";
import { ErrorPanel } from "../components/ErrorPanel";
import { JobControls } from "../components/JobControls";
import { JobHistory } from "../components/JobHistory";
import { ProgressPanel } from "../components/ProgressPanel";
import { ResultsPanel } from "../components/ResultsPanel";
import { StatusBadge } from "../components/StatusBadge";
import type { ThroughputHistory } from "../live/throughput";
import { isRunning } from "../statuses";
import "../styles/card.css";

interface JobViewProps {
  /** The job as shown: the server's snapshot, or the optimistic state right after Start or Stop. */
  shown: StatusSnapshot;
  status: JobStatus;
  jobId: string | null;
  /** The server answers and has sent a snapshot. */
  reachable: boolean;
  enabled: boolean;
  throughput: ThroughputHistory;
  /** A job was started or stopped from this page; `jobId` is the new job's when one started. */
  onStatusChange: (status: JobStatus, jobId: string | null) => void;
}

/** The current job: controls, live progress and charts, errors, per-user results and the history. */
export function JobView({ shown, status, jobId, reachable, enabled, throughput, onStatusChange }: JobViewProps) {
  return (
    <>
      <DemoNotice source={shown.source} />

      <section className="card job-card" aria-labelledby="job-title" data-testid="job-panel">
        <div className="card-head">
          <h2 id="job-title" tabIndex={-1}>
            Current job
          </h2>
          <StatusBadge status={status} id="job-status" testId="job-status" live />
        </div>
        {jobId && (
          <p className="muted job-id">
            Job <span className="mono" data-testid="job-id">{jobId}</span>
          </p>
        )}
        <JobControls status={status} available={reachable} onStatusChange={onStatusChange} />
        <ProgressPanel snapshot={shown} />
      </section>

      <ErrorPanel snapshot={shown} />
      <ChartsPanel history={throughput} snapshot={shown} />
      <ResultsPanel jobId={jobId} status={status} enabled={enabled} />
      <JobHistory
        jobId={jobId}
        status={status}
        enabled={enabled}
        canStart={reachable && !isRunning(status)}
        onRetryStarted={(nextJobId) => onStatusChange("processing", nextJobId)}
      />
    </>
  );
}
