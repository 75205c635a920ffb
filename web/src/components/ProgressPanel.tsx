import type { StatusSnapshot } from "../api/types";
import { formatBytes, formatCount, formatDuration, formatPerSecond, formatRate, plural } from "../format";
import { isRunning } from "../statuses";
import { InFlightUsers } from "./InFlightUsers";
import { ProgressBar } from "./ProgressBar";
import "../styles/figures.css";
import "./ProgressPanel.css";

interface ProgressPanelProps {
  snapshot: StatusSnapshot;
}

/** Users, files and bytes done against what is known so far, with speed, ETA and elapsed time. */
export function ProgressPanel({ snapshot }: ProgressPanelProps) {
  const running = isRunning(snapshot.status);
  const growing = running && !snapshot.users_listing_complete;

  return (
    <div className="progress-panel" data-testid="progress-panel">
      {growing && (
        <p className="hint" data-testid="listing-hint">
          Still listing users: totals grow as more are found.
        </p>
      )}
      <div className="bars">
        <ProgressBar
          id="progress-users"
          label="Users"
          done={snapshot.processed_users}
          total={snapshot.total_users}
          format={formatCount}
          growing={growing}
        />
        <ProgressBar
          id="progress-files"
          label="Files"
          done={snapshot.processed_files}
          total={snapshot.total_files}
          format={formatCount}
          growing={growing}
          failed={snapshot.failed_files}
          detail={
            <>
              <span data-testid="files-downloaded" data-value={snapshot.downloaded_files}>
                {formatCount(snapshot.downloaded_files)} downloaded
              </span>
              {" · "}
              <span
                data-testid="files-failed"
                data-value={snapshot.failed_files}
                className={snapshot.failed_files > 0 ? "text-danger" : undefined}
              >
                {formatCount(snapshot.failed_files)} failed
              </span>
              {snapshot.skipped_files > 0 && (
                <>
                  {" · "}
                  <span data-testid="files-skipped" data-value={snapshot.skipped_files}>
                    {formatCount(snapshot.skipped_files)} already up to date
                  </span>
                </>
              )}
              {snapshot.cancelled_files > 0 && (
                <>
                  {" · "}
                  <span data-testid="files-cancelled" data-value={snapshot.cancelled_files}>
                    {formatCount(snapshot.cancelled_files)} cancelled
                  </span>
                </>
              )}
            </>
          }
        />
        <ProgressBar
          id="progress-bytes"
          label="Data"
          done={snapshot.downloaded_bytes}
          total={snapshot.total_bytes}
          format={formatBytes}
          growing={growing}
        />
      </div>

      <dl className="stats">
        <div className="stat">
          <dt>Speed</dt>
          <dd id="stat-speed" data-testid="stat-speed" data-value={snapshot.speed_bytes_per_second}>
            {running ? formatRate(snapshot.speed_bytes_per_second) : "—"}
            {running && <span className="stat-sub muted">{formatPerSecond(snapshot.files_per_second)} files</span>}
          </dd>
        </div>
        <div className="stat">
          <dt>Time left</dt>
          <dd id="stat-eta" data-testid="stat-eta" data-value={snapshot.eta_seconds ?? ""}>
            {!running ? (
              "—"
            ) : snapshot.eta_seconds === null ? (
              <span className="stat-pending muted">estimating…</span>
            ) : (
              formatDuration(snapshot.eta_seconds)
            )}
          </dd>
        </div>
        <div className="stat">
          <dt>Elapsed</dt>
          <dd id="stat-elapsed" data-testid="stat-elapsed" data-value={snapshot.elapsed_seconds}>
            {snapshot.job_id ? formatDuration(snapshot.elapsed_seconds) : "—"}
          </dd>
        </div>
        <div className="stat">
          <dt>Retrying</dt>
          <dd id="stat-retrying" data-testid="stat-retrying" data-value={snapshot.retrying}>
            {snapshot.retrying > 0 ? (
              <span className="retrying" data-testid="retrying-indicator" role="status">
                <span className="spinner" aria-hidden="true" />
                {plural(snapshot.retrying, "download", "downloads")}
              </span>
            ) : (
              "none"
            )}
          </dd>
        </div>
      </dl>

      {running && <InFlightUsers users={snapshot.in_flight_users} current={snapshot.current_user} />}
    </div>
  );
}
