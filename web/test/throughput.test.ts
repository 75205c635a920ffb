import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EMPTY_SNAPSHOT } from "../src/api/snapshot";
import type { StatusSnapshot } from "../src/api/types";
import {
  emptyHistory,
  MAX_SAMPLES,
  ratesOf,
  record,
  samplesOf,
  SAMPLE_INTERVAL_S,
  summarize,
  type ThroughputHistory,
} from "../src/live/throughput";

function snapshot(elapsed: number, files: number, bytes: number, fields: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    ...EMPTY_SNAPSHOT,
    job_id: "job-1",
    status: "processing",
    elapsed_seconds: elapsed,
    processed_files: files,
    downloaded_bytes: bytes,
    ...fields,
  };
}

function feed(history: ThroughputHistory, ...snapshots: StatusSnapshot[]): ThroughputHistory {
  return snapshots.reduce(record, history);
}

describe("record", () => {
  it("ignores snapshots without a job", () => {
    const history = emptyHistory();
    assert.equal(record(history, EMPTY_SNAPSHOT), history);
    assert.equal(record(history, snapshot(1, 1, 1, { job_id: null })), history);
  });

  it("commits at most one sample per interval, holding the newest as latest", () => {
    const history = feed(emptyHistory(), snapshot(0, 0, 0), snapshot(0.5, 5, 500), snapshot(1.0, 10, 1000), snapshot(1.5, 14, 1400));
    assert.deepEqual(history.samples, [
      { t: 0, files: 0, bytes: 0 },
      { t: 1, files: 10, bytes: 1000 },
    ]);
    assert.deepEqual(history.latest, { t: 1.5, files: 14, bytes: 1400 });
    assert.equal(samplesOf(history).length, 3);
  });

  it("returns the same history for a snapshot that adds nothing", () => {
    const history = feed(emptyHistory(), snapshot(0, 0, 0), snapshot(2, 20, 2000));
    assert.equal(record(history, snapshot(2, 20, 2000)), history);
  });

  it("starts again for another job, or for counters that go back", () => {
    const first = feed(emptyHistory(), snapshot(0, 0, 0), snapshot(3, 30, 3000));
    const other = record(first, snapshot(1, 4, 400, { job_id: "job-2" }));
    assert.equal(other.jobId, "job-2");
    assert.deepEqual(samplesOf(other), [{ t: 1, files: 4, bytes: 400 }]);
    const back = record(first, snapshot(4, 2, 200));
    assert.deepEqual(samplesOf(back), [{ t: 4, files: 2, bytes: 200 }]);
  });

  it("keeps memory bounded on a long job by halving the samples and doubling the interval", () => {
    let history = emptyHistory();
    const seconds = MAX_SAMPLES * 5;
    for (let t = 0; t <= seconds; t += 0.5) history = record(history, snapshot(t, t * 10, t * 1000));
    assert.ok(history.samples.length <= MAX_SAMPLES, `${history.samples.length} samples`);
    assert.ok(history.samples.length >= MAX_SAMPLES / 2, `${history.samples.length} samples`);
    assert.ok(history.interval >= SAMPLE_INTERVAL_S * 4, `interval ${history.interval}`);
    // The chart still covers the job from its start to now.
    const all = samplesOf(history);
    assert.equal(all[0].t, 0);
    assert.equal(all[all.length - 1].t, seconds);
    for (let index = 1; index < history.samples.length; index += 1) {
      assert.ok(history.samples[index].t > history.samples[index - 1].t);
    }
  });
});

describe("ratesOf", () => {
  it("is the change of each counter over each span", () => {
    const rates = ratesOf([
      { t: 0, files: 0, bytes: 0 },
      { t: 2, files: 10, bytes: 4_000_000 },
      { t: 3, files: 25, bytes: 5_000_000 },
    ]);
    assert.deepEqual(rates, [
      { t: 2, filesPerSecond: 5, bytesPerSecond: 2_000_000 },
      { t: 3, filesPerSecond: 15, bytesPerSecond: 1_000_000 },
    ]);
  });

  it("skips spans of no time and needs two samples", () => {
    assert.deepEqual(ratesOf([]), []);
    assert.deepEqual(ratesOf([{ t: 1, files: 1, bytes: 1 }]), []);
    assert.deepEqual(ratesOf([{ t: 1, files: 1, bytes: 1 }, { t: 1, files: 5, bytes: 5 }]), []);
  });
});

describe("summarize", () => {
  const samples = [
    { t: 0, files: 0, bytes: 0 },
    { t: 1, files: 10, bytes: 1000 },
    { t: 3, files: 20, bytes: 7000 },
  ];
  const rates = ratesOf(samples);

  it("gives the newest rate, the peak and the average over the whole span", () => {
    assert.deepEqual(summarize(samples, rates, "files"), { current: 5, peak: 10, average: 20 / 3 });
    assert.deepEqual(summarize(samples, rates, "bytes"), { current: 3000, peak: 3000, average: 7000 / 3 });
  });

  it("is all zeros without a rate", () => {
    assert.deepEqual(summarize([], [], "files"), { current: 0, peak: 0, average: 0 });
  });
});
