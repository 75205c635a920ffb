import { barsOf } from "../charts/scale";
import { formatCount } from "../format";

const ROW_HEIGHT = 30;
/** Codes beyond these are summed up in one line under the chart. */
const MAX_BARS = 8;

interface ErrorChartProps {
  counts: Readonly<Record<string, number>>;
}

/**
 * Item errors by code as horizontal bars, longest first. The SVG has no viewBox: its lengths are percentages of
 * its width, so the bars follow the card's width while the labels keep their size.
 */
export function ErrorChart({ counts }: ErrorChartProps) {
  const bars = barsOf(counts);
  const shown = bars.slice(0, MAX_BARS);
  const hidden = bars.slice(MAX_BARS);
  const total = bars.reduce((sum, bar) => sum + bar.value, 0);
  const description =
    bars.length === 0
      ? "Errors by code: none."
      : `Errors by code, ${formatCount(total)} in all: ` +
        bars.map((bar) => `${bar.label} ${formatCount(bar.value)}`).join(", ") +
        ".";

  return (
    <figure className="chart chart-errors">
      <figcaption className="chart-caption">
        <span>Errors by code</span>
        <strong className="chart-current" data-testid="chart-errors-total" data-value={total}>
          {formatCount(total)}
        </strong>
      </figcaption>
      {bars.length === 0 ? (
        <p className="muted chart-empty" data-testid="chart-errors-empty">
          No item has failed.
        </p>
      ) : (
        <svg
          className="bar-chart"
          width="100%"
          height={shown.length * ROW_HEIGHT}
          role="img"
          aria-label={description}
          data-testid="chart-errors"
          data-bars={shown.length}
        >
          <title>{description}</title>
          {shown.map((bar, index) => {
            const top = index * ROW_HEIGHT;
            return (
              <g key={bar.label} data-code={bar.label} data-count={bar.value}>
                <text className="bar-label" x="0" y={top + 12}>
                  {bar.label}
                </text>
                <text className="bar-value" x="100%" y={top + 12} textAnchor="end">
                  {formatCount(bar.value)}
                </text>
                <rect className="bar-track" x="0" y={top + 17} width="100%" height="7" rx="3.5" />
                <rect
                  className="bar"
                  x="0"
                  y={top + 17}
                  width={`${Math.max(bar.fraction * 100, 1)}%`}
                  height="7"
                  rx="3.5"
                />
              </g>
            );
          })}
        </svg>
      )}
      {hidden.length > 0 && (
        <p className="muted chart-more">
          and {formatCount(hidden.reduce((sum, bar) => sum + bar.value, 0))} more in {formatCount(hidden.length)} other
          codes
        </p>
      )}
    </figure>
  );
}
