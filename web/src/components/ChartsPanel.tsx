import type { StatusSnapshot } from "../api/types";
import { formatPerSecond, formatRate } from "../format";
import { ratesOf, samplesOf, summarize, type ThroughputHistory } from "../live/throughput";
import { isRunning } from "../statuses";
import { ErrorChart } from "./ErrorChart";
import { ThroughputChart } from "./ThroughputChart";
import "../styles/card.css";
import "./ChartsPanel.css";

interface ChartsPanelProps {
  history: ThroughputHistory;
  snapshot: StatusSnapshot;
}

/** The job's throughput over time (files and bytes per second) and its errors by code, drawn by hand in SVG. */
export function ChartsPanel({ history, snapshot }: ChartsPanelProps) {
  // A history of another job (the one before a Start) is not this job's.
  const ownHistory = history.jobId !== null && history.jobId === snapshot.job_id;
  const samples = ownHistory ? samplesOf(history) : [];
  const rates = ratesOf(samples);
  const hasData = rates.length > 0;
  const running = isRunning(snapshot.status);

  return (
    <section className="card charts-card" data-testid="charts-panel" id="charts" aria-labelledby="charts-title">
      <div className="card-head">
        <h2 id="charts-title">Throughput and errors</h2>
        <span className="muted chart-note">{noteOf(hasData, running)}</span>
      </div>
      <div className="charts">
        <ThroughputChart
          testId="chart-files"
          title="Files per second"
          samples={samples}
          rates={rates}
          value={(rate) => rate.filesPerSecond}
          summary={summarize(samples, rates, "files")}
          format={formatPerSecond}
          running={running}
        />
        <ThroughputChart
          testId="chart-bytes"
          title="Data per second"
          samples={samples}
          rates={rates}
          value={(rate) => rate.bytesPerSecond}
          summary={summarize(samples, rates, "bytes")}
          format={formatRate}
          running={running}
        />
        <ErrorChart counts={snapshot.error_counts} />
      </div>
    </section>
  );
}

function noteOf(hasData: boolean, running: boolean): string {
  if (running) return hasData ? "live, about a point a second" : "collecting…";
  return hasData ? "the job as this page saw it" : "drawn while a job runs";
}
