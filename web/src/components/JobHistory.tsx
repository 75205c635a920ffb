import { useState } from "react";
import { api } from "../api/client";
import type { JobList, JobStatus, JobSummary } from "../api/types";
import { formatBytes, formatCount, formatDateTime, formatDuration } from "../format";
import { useApiResource } from "../hooks/useApiResource";
import { useInterval } from "../hooks/useInterval";
import { isRunning } from "../statuses";
import { StatusBadge } from "./StatusBadge";
import "../styles/button.css";
import "../styles/card.css";
import "../styles/table.css";
import "./JobHistory.css";

const LIVE_REFRESH_MS = 5000;

interface JobHistoryProps {
  jobId: string | null;
  /** The current job's state: the list is fetched again whenever it changes, and every few seconds while it runs. */
  status: JobStatus;
  enabled: boolean;
  /** A new job may start now (the server is reachable and no job runs). */
  canStart: boolean;
  /** A retry job was accepted. */
  onRetryStarted: (jobId: string) => void;
}

/** Jobs run on this output folder, newest first, with their totals; a job with failures can be retried. */
export function JobHistory({ jobId, status, enabled, canStart, onRetryStarted }: JobHistoryProps) {
  const [retryError, setRetryError] = useState<string | null>(null);
  const { data, error, loading, reload } = useApiResource<JobList>(
    (signal) => api.jobs(signal),
    `${jobId ?? ""}|${status}`,
    enabled,
  );
  useInterval(reload, isRunning(status) && enabled ? LIVE_REFRESH_MS : null);
  const jobs = data?.jobs ?? [];
  const retry = (id: string) => {
    setRetryError(null);
    api.start({ retry_failed_of: id }).then(
      (started) => onRetryStarted(started.job_id),
      (error: Error) => setRetryError(error.message),
    );
  };

  return (
    <section className="card" data-testid="history-panel" id="history" aria-labelledby="history-title">
      <div className="card-head">
        <h2 id="history-title">
          History <span className="count">{formatCount(jobs.length)}</span>
        </h2>
        <button
          type="button"
          className="button button-small"
          onClick={reload}
          disabled={loading || !enabled}
          id="history-refresh"
        >
          Refresh
        </button>
      </div>
      {error && !error.isUnauthorized && (
        <p className="form-error" role="alert">
          History could not be loaded: {error.message}
        </p>
      )}
      {retryError && (
        <p className="form-error" role="alert" data-testid="retry-error">
          The retry could not start: {retryError}
        </p>
      )}
      {data && jobs.length === 0 ? (
        <p className="muted empty" data-testid="history-empty">
          No job has run on this output folder yet.
        </p>
      ) : (
        jobs.length > 0 && (
          <div className="table-wrap">
            <table className="table table-cards" data-testid="history-table">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Users</th>
                  <th scope="col" className="num">Files</th>
                  <th scope="col" className="num">Size</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((job) => (
                  <JobRow key={job.job_id} job={job} canRetry={canStart} onRetry={retry} />
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
    </section>
  );
}

interface JobRowProps {
  job: JobSummary;
  canRetry: boolean;
  onRetry: (jobId: string) => void;
}

function JobRow({ job, canRetry, onRetry }: JobRowProps) {
  const unfinished = job.failed_files + (job.cancelled_files ?? 0);
  return (
    <tr data-testid="history-row" data-job-id={job.job_id} data-status={job.status}>
      <td data-label="Started" className="cell-user">
        <span>{formatDateTime(job.started_at)}</span>
        <span className="user-folder muted mono">
          {job.job_id}
          {job.dry_run && <span className="tag">dry run</span>}
          {job.settings?.retry_failed_of && <span className="tag">retry of {job.settings.retry_failed_of}</span>}
          {job.settings?.resumes && <span className="tag">resumes {job.settings.resumes}</span>}
        </span>
      </td>
      <td data-label="Status" className="cell-status">
        <StatusBadge status={job.status} />
      </td>
      <td data-label="Users" className="num" data-value={job.processed_users}>
        {formatCount(job.processed_users)} / {formatCount(job.total_users)}
        {job.failed_users > 0 && <span className="text-danger"> ({formatCount(job.failed_users)} failed)</span>}
      </td>
      <td data-label="Files" className="num" data-value={job.total_files_downloaded}>
        {formatCount(job.total_files_downloaded)}
        {job.failed_files > 0 && <span className="text-danger"> (+{formatCount(job.failed_files)} failed)</span>}
      </td>
      <td data-label="Size" className="num" data-value={job.total_size_bytes}>
        {formatBytes(job.total_size_bytes)}
      </td>
      <td data-label="Duration" className="num">
        {formatDuration(job.processing_time_seconds)}
      </td>
      <td data-label="" className="cell-actions">
        {unfinished > 0 && !job.dry_run && !isRunning(job.status) && (
          <button
            type="button"
            className="button button-small"
            data-testid="retry-failed"
            disabled={!canRetry}
            onClick={() => onRetry(job.job_id)}
            title={`Fetch again only the ${formatCount(unfinished)} failed or cancelled files of this job`}
          >
            Retry {formatCount(unfinished)} failed
          </button>
        )}
      </td>
    </tr>
  );
}
