import { areaPath, linePath, niceCeiling, plot, type Point } from "../charts/scale";
import { formatClock } from "../format";
import type { RatePoint, RateSummary, ThroughputSample } from "../live/throughput";

/** The drawing's own units; the SVG stretches them to its box, lines keep their width. */
const WIDTH = 300;
const HEIGHT = 100;

interface ThroughputChartProps {
  testId: string;
  title: string;
  samples: readonly ThroughputSample[];
  rates: readonly RatePoint[];
  value: (rate: RatePoint) => number;
  summary: RateSummary;
  format: (value: number) => string;
  /** While the job runs the caption shows the newest rate; after it, the average. */
  running: boolean;
}

/** One rate over the job as an area chart, its numbers said in words for screen readers and as a tooltip. */
export function ThroughputChart({ testId, title, samples, rates, value, summary, format, running }: ThroughputChartProps) {
  const start = samples.length > 0 ? samples[0].t : 0;
  const span = samples.length > 1 ? samples[samples.length - 1].t - start : 0;
  // Each rate holds over the span that ends at its time: the first one starts at the first sample.
  const data: Point[] =
    rates.length === 0 ? [] : [{ x: 0, y: value(rates[0]) }, ...rates.map((rate) => ({ x: rate.t - start, y: value(rate) }))];
  const yMax = niceCeiling(summary.peak);
  const box = { width: WIDTH, height: HEIGHT, xMax: span, yMax };
  const points = plot(data, box);
  const description =
    data.length === 0
      ? `${title}: no data yet.`
      : `${title} over ${formatClock(span)} of the job: ${running ? "now" : "at the end"} ${format(summary.current)}, ` +
        `peak ${format(summary.peak)}, average ${format(summary.average)}.`;
  const headline = running ? summary.current : summary.average;

  return (
    <figure className="chart" data-testid={`${testId}-figure`}>
      <figcaption className="chart-caption">
        <span>{title}</span>
        <strong className="chart-current" data-testid={`${testId}-current`} data-value={headline}>
          {data.length === 0 ? "—" : running ? format(headline) : `average ${format(headline)}`}
        </strong>
      </figcaption>
      <div className="chart-plot">
        <svg
          className="chart-svg"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={description}
          data-testid={testId}
          data-points={data.length}
        >
          <title>{description}</title>
          {[0, 0.5, 1].map((fraction) => (
            <line
              key={fraction}
              className="chart-grid"
              x1={0}
              x2={WIDTH}
              y1={HEIGHT * fraction}
              y2={HEIGHT * fraction}
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {points.length > 0 && <path className="chart-area" d={areaPath(points, HEIGHT)} />}
          {points.length > 0 && <path className="chart-line" d={linePath(points)} vectorEffect="non-scaling-stroke" />}
        </svg>
        <span className="chart-label chart-y-max" aria-hidden="true">
          {format(yMax)}
        </span>
        <span className="chart-label chart-x-start" aria-hidden="true">
          {formatClock(start)}
        </span>
        <span className="chart-label chart-x-end" aria-hidden="true">
          {formatClock(start + span)}
        </span>
      </div>
    </figure>
  );
}
