import type { ItemError, StatusSnapshot } from "../api/types";
import { formatCount, formatTime } from "../format";
import "../styles/card.css";
import "./ErrorPanel.css";

/** What each stable error code means, in words a person acting on it can use. */
const CODE_DESCRIPTIONS: Record<string, string> = {
  metadata_missing: "The media id has no metadata document.",
  invalid_metadata: "A user or metadata document has a field of the wrong shape.",
  invalid_location: "The metadata holds no usable storage location.",
  invalid_name: "The file name could not be used.",
  not_found: "The file is missing from Cloud Storage.",
  permission_denied: "The credentials may not read this object.",
  unauthenticated: "The credentials were refused.",
  checksum_mismatch: "The downloaded bytes did not match the stored checksum, even after retrying.",
  truncated: "The download kept ending early, even after resuming.",
  rate_limited: "Cloud Storage kept asking to slow down.",
  server_error: "Cloud Storage kept failing with server errors.",
  network: "The connection kept failing.",
  disk_full: "The output disk is full.",
  io_error: "The file could not be written.",
  cancelled: "The job stopped before this item finished.",
  store_error: "Cloud Storage reported another error.",
};

const EXAMPLES_PER_CODE = 3;
/** The most frequent codes start expanded; the rest show their count until opened. */
const OPEN_GROUPS = 3;

interface ErrorPanelProps {
  snapshot: StatusSnapshot;
}

/** Item errors grouped by code, each with its count and the latest examples. */
export function ErrorPanel({ snapshot }: ErrorPanelProps) {
  const groups = Object.entries(snapshot.error_counts)
    .filter(([, count]) => count > 0)
    .sort(([codeA, a], [codeB, b]) => b - a || codeA.localeCompare(codeB));
  const total = groups.reduce((sum, [, count]) => sum + count, 0);

  return (
    <section className="card" data-testid="error-panel" id="errors" aria-labelledby="errors-title">
      <div className="card-head">
        <h2 id="errors-title">
          Errors <span className="count" data-testid="error-total" data-value={total}>{formatCount(total)}</span>
        </h2>
      </div>
      {groups.length === 0 ? (
        <p className="muted empty" data-testid="no-errors">
          {snapshot.job_id ? "No item has failed." : "Errors of the current job appear here."}
        </p>
      ) : (
        <ul className="error-groups">
          {groups.map(([code, count], index) => (
            <ErrorGroup
              key={code}
              initiallyOpen={index < OPEN_GROUPS}
              code={code}
              count={count}
              examples={latestWithCode(snapshot.errors, code)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function latestWithCode(errors: ItemError[], code: string): ItemError[] {
  const matching: ItemError[] = [];
  // `errors` is oldest first; walk back from the newest.
  for (let index = errors.length - 1; index >= 0 && matching.length < EXAMPLES_PER_CODE; index -= 1) {
    if (errors[index].code === code) matching.push(errors[index]);
  }
  return matching;
}

interface ErrorGroupProps {
  initiallyOpen: boolean;
  code: string;
  count: number;
  examples: ItemError[];
}

function ErrorGroup({ initiallyOpen, code, count, examples }: ErrorGroupProps) {
  return (
    <li className="error-group" data-testid="error-group" data-code={code} data-count={count}>
      <details open={initiallyOpen}>
        <summary className="error-group-head">
          <code className="error-code">{code}</code>
          <span className="error-count">{formatCount(count)}×</span>
        </summary>
        {CODE_DESCRIPTIONS[code] && <p className="muted error-description">{CODE_DESCRIPTIONS[code]}</p>}
        {examples.length > 0 && (
          <ul className="error-examples" aria-label={`Latest ${code} errors`}>
            {examples.map((error, index) => (
              <li key={`${error.user_id ?? error.user}-${error.item_id}-${index}`} className="error-example">
                <div className="error-user">{error.user ?? error.user_id ?? "unknown user"}</div>
                <div className="error-where muted">
                  <span className="mono">
                    {error.kind}/{error.item_id}
                  </span>
                  {error.at && (
                    <time className="error-time" dateTime={error.at}>
                      {formatTime(error.at)}
                    </time>
                  )}
                </div>
                <p className="error-message">{error.message}</p>
              </li>
            ))}
          </ul>
        )}
      </details>
    </li>
  );
}
