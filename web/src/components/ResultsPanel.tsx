import { useState } from "react";
import { api } from "../api/client";
import type { JobStatus, ResultsPage, UserResult } from "../api/types";
import { formatBytes, formatCount, formatDuration } from "../format";
import { useApiResource } from "../hooks/useApiResource";
import { useInterval } from "../hooks/useInterval";
import { routeHash } from "../routing";
import { isRunning } from "../statuses";
import { StatusBadge } from "./StatusBadge";
import "../styles/button.css";
import "../styles/card.css";
import "../styles/figures.css";
import "../styles/pager.css";
import "../styles/table.css";
import "./ResultsPanel.css";

const PAGE_SIZE = 50;
const LIVE_REFRESH_MS = 5000;

type Filter = "all" | "failed" | "succeeded" | "stopped";

const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "failed", label: "Failed" },
  { value: "succeeded", label: "Succeeded" },
  { value: "stopped", label: "Stopped" },
];

interface ResultsPanelProps {
  jobId: string | null;
  /** The job's state: the page is fetched again whenever it changes. */
  status: JobStatus;
  enabled: boolean;
}

/** Totals and one page of per-user results; only the page on screen is ever fetched. */
export function ResultsPanel({ jobId, status, enabled }: ResultsPanelProps) {
  const [filter, setFilter] = useState<Filter>("all");
  const running = isRunning(status);
  // cursors[i] opens page i (the first page has none); a new job starts again from its first page.
  const [paging, setPaging] = useState<{ jobId: string | null; cursors: (string | undefined)[] }>({
    jobId,
    cursors: [undefined],
  });
  const cursors = paging.jobId === jobId ? paging.cursors : [undefined];
  const setCursors = (next: (string | undefined)[]) => setPaging({ jobId, cursors: next });
  const page = cursors.length - 1;
  const cursor = cursors[page];

  const key = `${jobId ?? ""}|${status}|${filter}|${cursor ?? ""}`;
  const { data, error, loading, reload } = useApiResource<ResultsPage>(
    (signal) => api.results({ status: filter === "all" ? undefined : filter, limit: PAGE_SIZE, cursor }, signal),
    key,
    enabled,
  );
  useInterval(reload, running && enabled ? LIVE_REFRESH_MS : null);

  // "Stopped" only matters after a stop.
  const visibleFilters = FILTERS.filter(
    ({ value }) => value !== "stopped" || status === "stopped" || filter === "stopped",
  );

  const chooseFilter = (next: Filter) => {
    setFilter(next);
    setCursors([undefined]);
  };

  return (
    <section className="card" data-testid="results-panel" id="results" aria-labelledby="results-title">
      <div className="card-head">
        <h2 id="results-title">Results</h2>
        <button
          type="button"
          className="button button-small"
          onClick={reload}
          disabled={loading || !enabled}
          id="results-refresh"
        >
          Refresh
        </button>
      </div>

      {data && <ResultTotals results={data} />}

      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show users">
          {visibleFilters.map(({ value, label }) => (
            <button
              key={value}
              type="button"
              className="segment"
              aria-pressed={filter === value}
              data-testid={`filter-${value}`}
              id={`filter-${value}`}
              onClick={() => chooseFilter(value)}
            >
              {label}
            </button>
          ))}
        </div>
        <span className="muted page-label" data-testid="results-page" aria-live="polite">
          Page {formatCount(page + 1)}
          {loading && <span className="loading-dot" aria-label="loading" />}
        </span>
      </div>

      {error && !error.isUnauthorized && (
        <p className="form-error" role="alert">
          Results could not be loaded: {error.message}
        </p>
      )}

      {data && data.users.length === 0 ? (
        <p className="muted empty" data-testid="results-empty">
          {emptyText(filter, data.job_id)}
        </p>
      ) : (
        data && <UserTable users={data.users} />
      )}

      <div className="pager">
        <button
          type="button"
          className="button button-small"
          id="results-prev"
          data-testid="results-prev"
          disabled={page === 0 || loading}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="button button-small"
          id="results-next"
          data-testid="results-next"
          disabled={!data?.next_cursor || loading}
          onClick={() => data?.next_cursor && setCursors([...cursors, data.next_cursor])}
        >
          Next →
        </button>
      </div>
    </section>
  );
}

function emptyText(filter: Filter, jobId: string | null): string {
  if (!jobId) return "No job has run yet. Start an export to see per-user results.";
  if (filter === "failed") return "No user has failed.";
  if (filter === "succeeded") return "No user has succeeded yet.";
  if (filter === "stopped") return "No user was left unfinished by a stop.";
  return "No user has finished yet.";
}

function ResultTotals({ results }: { results: ResultsPage }) {
  const items: { id: string; label: string; value: number; text: string; danger?: boolean }[] = [
    {
      id: "results-successful-users",
      label: "Succeeded",
      value: results.successful_users,
      text: formatCount(results.successful_users),
    },
    {
      id: "results-failed-users",
      label: "Failed",
      value: results.failed_users,
      text: formatCount(results.failed_users),
      danger: results.failed_users > 0,
    },
    {
      id: "results-files",
      label: "Files",
      value: results.total_files_downloaded,
      text: formatCount(results.total_files_downloaded),
    },
    { id: "results-bytes", label: "Size", value: results.total_size_bytes, text: formatBytes(results.total_size_bytes) },
    {
      id: "results-time",
      label: "Time",
      value: results.processing_time_seconds,
      text: formatDuration(results.processing_time_seconds),
    },
  ];
  return (
    <dl className="totals" data-testid="results-totals">
      {items.map((item) => (
        <div key={item.id} className={item.danger ? "total total-danger" : "total"}>
          <dt>{item.label}</dt>
          <dd id={item.id} data-testid={item.id} data-value={item.value}>
            {item.text}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function UserTable({ users }: { users: UserResult[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-cards" data-testid="results-table">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Files</th>
            <th scope="col" className="num">Failed</th>
            <th scope="col" className="num">Size</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow key={user.user_id} user={user} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserRow({ user }: { user: UserResult }) {
  const firstErrors = user.errors ?? [];
  return (
    <tr data-testid="result-row" data-user-id={user.user_id} data-status={user.status}>
      <td data-label="User" className="cell-user">
        <a className="user-email" href={routeHash({ page: "user", userId: user.user_id })} title="Open this user's media">
          {user.email || user.user_id}
        </a>
        <span className="user-folder muted">{user.folder}</span>
        {firstErrors.length > 0 && (
          <details className="user-errors">
            <summary>
              {firstErrors.length === 1 ? "1 error" : `${firstErrors.length} errors`}
            </summary>
            <ul>
              {firstErrors.map((error, index) => (
                <li key={`${error.item_id}-${index}`}>
                  <code className="error-code">{error.code}</code> {error.kind}/{error.item_id}: {error.message}
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td data-label="Status" className="cell-status">
        <StatusBadge status={user.status} />
      </td>
      <td data-label="Files" className="num" data-value={user.files_downloaded}>
        {formatCount(user.files_downloaded)}
      </td>
      <td
        data-label="Failed"
        className={`num ${user.files_failed > 0 ? "text-danger" : "is-zero"}`} data-value={user.files_failed}>
        {formatCount(user.files_failed)}
      </td>
      <td data-label="Size" className="num" data-value={user.bytes}>
        {formatBytes(user.bytes)}
      </td>
    </tr>
  );
}
