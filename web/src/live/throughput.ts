/**
 * The job's throughput over time, sampled from the snapshots the page already receives (about two a second over the
 * event stream, one every 2 s while polling). Pure: the hook that feeds it (hooks/useThroughput.ts) passes each
 * snapshot in and keeps what comes out.
 *
 * A sample holds the job's cumulative counters at a moment of the job (its `elapsed_seconds`), so the rate between
 * any two kept samples is exact, however far apart they are. Samples are committed at most one per `interval`; when
 * `MAX_SAMPLES` are held, every other one is dropped and the interval doubles, so memory stays bounded for a job of
 * any length while the chart still covers it from the start.
 */
import type { StatusSnapshot } from "../api/types";

export interface ThroughputSample {
  /** Seconds since the job started (the snapshot's `elapsed_seconds`). */
  t: number;
  /** Files done so far, whatever their outcome (`processed_files`). */
  files: number;
  /** Bytes transferred so far (`downloaded_bytes`). */
  bytes: number;
}

export interface ThroughputHistory {
  jobId: string | null;
  /** Committed samples, oldest first, at least `interval` seconds apart. */
  samples: readonly ThroughputSample[];
  /** The newest snapshot's sample while it is too close to the last committed one to be kept for good. */
  latest: ThroughputSample | null;
  /** The least time between two committed samples, in seconds. */
  interval: number;
}

export interface RatePoint {
  /** The end of the span, in seconds since the job started. */
  t: number;
  filesPerSecond: number;
  bytesPerSecond: number;
}

export const MAX_SAMPLES = 240;
export const SAMPLE_INTERVAL_S = 1;

export function emptyHistory(): ThroughputHistory {
  return { jobId: null, samples: [], latest: null, interval: SAMPLE_INTERVAL_S };
}

/**
 * The history with `snapshot` taken into account. Returns `history` itself when nothing changes, so a caller can
 * skip a render. A snapshot of another job starts a new history; one that goes back in time or in its counters
 * (a restarted server reusing nothing) does too.
 */
export function record(history: ThroughputHistory, snapshot: StatusSnapshot): ThroughputHistory {
  if (snapshot.job_id === null || snapshot.status === "idle") return history;
  const sample: ThroughputSample = {
    t: Math.max(0, snapshot.elapsed_seconds),
    files: Math.max(0, snapshot.processed_files),
    bytes: Math.max(0, snapshot.downloaded_bytes),
  };
  const last = lastSample(history);
  const sameJob = history.jobId === snapshot.job_id;
  if (!sameJob || (last !== null && goesBack(last, sample))) {
    return { jobId: snapshot.job_id, samples: [sample], latest: null, interval: SAMPLE_INTERVAL_S };
  }
  if (last !== null && sameSample(last, sample)) return history;

  const committed = history.samples[history.samples.length - 1];
  if (committed === undefined) return { ...history, samples: [sample], latest: null };
  if (sample.t - committed.t < history.interval) return { ...history, latest: sample };

  const samples = [...history.samples, sample];
  if (samples.length <= MAX_SAMPLES) return { ...history, samples, latest: null };
  // Keep every other sample (the first included); the newest, if dropped, waits as `latest`.
  const thinned = samples.filter((_, index) => index % 2 === 0);
  const newest = samples[samples.length - 1];
  return {
    ...history,
    samples: thinned,
    latest: thinned[thinned.length - 1] === newest ? null : newest,
    interval: history.interval * 2,
  };
}

/** Every sample to draw: the committed ones and the newest. */
export function samplesOf(history: ThroughputHistory): ThroughputSample[] {
  return history.latest ? [...history.samples, history.latest] : [...history.samples];
}

/** The rate over each span between consecutive samples; spans of no time are skipped. */
export function ratesOf(samples: readonly ThroughputSample[]): RatePoint[] {
  const rates: RatePoint[] = [];
  for (let index = 1; index < samples.length; index += 1) {
    const from = samples[index - 1];
    const to = samples[index];
    const seconds = to.t - from.t;
    if (!(seconds > 0)) continue;
    rates.push({
      t: to.t,
      filesPerSecond: Math.max(0, (to.files - from.files) / seconds),
      bytesPerSecond: Math.max(0, (to.bytes - from.bytes) / seconds),
    });
  }
  return rates;
}

export interface RateSummary {
  /** The newest rate. */
  current: number;
  peak: number;
  /** Over everything sampled: total done over total time, not the mean of the spans. */
  average: number;
}

/** Current, peak and average of one series, for the charts' text alternatives. */
export function summarize(
  samples: readonly ThroughputSample[],
  rates: readonly RatePoint[],
  series: "files" | "bytes",
): RateSummary {
  const pick = (rate: RatePoint) => (series === "files" ? rate.filesPerSecond : rate.bytesPerSecond);
  if (rates.length === 0 || samples.length < 2) return { current: 0, peak: 0, average: 0 };
  const first = samples[0];
  const last = samples[samples.length - 1];
  const span = last.t - first.t;
  const done = series === "files" ? last.files - first.files : last.bytes - first.bytes;
  return {
    current: pick(rates[rates.length - 1]),
    peak: rates.reduce((peak, rate) => Math.max(peak, pick(rate)), 0),
    average: span > 0 ? Math.max(0, done / span) : 0,
  };
}

function lastSample(history: ThroughputHistory): ThroughputSample | null {
  return history.latest ?? history.samples[history.samples.length - 1] ?? null;
}

function goesBack(last: ThroughputSample, next: ThroughputSample): boolean {
  return next.t < last.t || next.files < last.files || next.bytes < last.bytes;
}

function sameSample(a: ThroughputSample, b: ThroughputSample): boolean {
  return a.t === b.t && a.files === b.files && a.bytes === b.bytes;
}
