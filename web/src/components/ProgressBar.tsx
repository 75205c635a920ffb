import type { ReactNode } from "react";
import { percent } from "../format";
import "./ProgressBar.css";

interface ProgressBarProps {
  id: string;
  label: string;
  done: number;
  total: number;
  /** Formats `done` and `total` for display (counts or bytes). */
  format: (value: number) => string;
  /** True while the total is still growing (users are still being listed). */
  growing: boolean;
  detail?: ReactNode;
  /** Part of `done` that failed, drawn as its own segment at the end of the bar. */
  failed?: number;
}

/** One labelled progress bar: done / known so far, with the raw figures exposed for assistive tech. */
export function ProgressBar({ id, label, done, total, format, growing, detail, failed = 0 }: ProgressBarProps) {
  const value = percent(done, total);
  const failedValue = Math.min(value, percent(failed, total));
  const labelId = `${id}-label`;
  const totalText = `${format(total)}${growing ? "+" : ""}`;
  const valueText = growing
    ? `${format(done)} of ${format(total)} known so far`
    : `${format(done)} of ${format(total)}`;

  return (
    <div className="progress" data-testid={id}>
      <div className="progress-head">
        <span className="progress-label" id={labelId}>
          {label}
        </span>
        <span className="progress-figures">
          <span data-testid={`${id}-done`} data-value={done}>
            {format(done)}
          </span>
          <span className="muted"> / </span>
          <span
            data-testid={`${id}-total`}
            data-value={total}
            title={growing ? "Known so far: still listing users" : undefined}
          >
            {totalText}
          </span>
          <span className="progress-percent muted">{Math.floor(value)}%</span>
        </span>
      </div>
      <div
        className={`progress-track${growing ? " progress-growing" : ""}`}
        role="progressbar"
        id={id}
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={Math.max(total, done)}
        aria-valuenow={done}
        aria-valuetext={valueText}
      >
        <div className="progress-fill" style={{ width: `${value - failedValue}%` }} />
        {failedValue > 0 && <div className="progress-fill progress-fill-failed" style={{ width: `${failedValue}%` }} />}
      </div>
      {detail && <div className="progress-detail muted">{detail}</div>}
    </div>
  );
}
