import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EMPTY_SNAPSHOT } from "../src/api/snapshot";
import type { StatusSnapshot } from "../src/api/types";
import {
  initialConnectionState,
  POLL_INTERVAL_MS,
  RECONNECT_MAX_MS,
  RECONNECT_MIN_MS,
  reduce,
  STALL_TIMEOUT_MS,
  type Command,
  type ConnectionEvent,
  type ConnectionState,
} from "../src/live/connection";

const T0 = 1_700_000_000_000;

/** Freezes `value` and everything in it, so a reducer that changed its input would throw (modules are strict). */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value as Record<string, unknown>).forEach(frozen);
  }
  return value;
}

interface Run {
  state: ConnectionState;
  /** The commands of every step, in order. */
  commands: Command[];
}

/** Feeds `events` to the reducer one after the other, from `state`. */
function feed(state: ConnectionState, ...events: ConnectionEvent[]): Run {
  let commands: Command[] = [];
  for (const event of events) {
    const next = reduce(frozen(state), event);
    state = next.state;
    commands = commands.concat(next.commands);
  }
  return { state, commands };
}

function snapshotText(fields: Partial<StatusSnapshot>): string {
  return JSON.stringify({ ...EMPTY_SNAPSHOT, ...fields });
}

const RUNNING: Partial<StatusSnapshot> = { job_id: "job-1", status: "processing", processed_files: 3, total_files: 10 };

/** Right after the driver started: stream 1 connecting, a first poll armed. */
function started(): ConnectionState {
  return feed(initialConnectionState(), { type: "start", now: T0 }).state;
}

/** Stream 1 open, with a snapshot of a running job received at T0 + 100. */
function live(fields: Partial<StatusSnapshot> = RUNNING): ConnectionState {
  return feed(
    started(),
    { type: "streamOpened", stream: 1, now: T0 + 50 },
    { type: "streamSnapshot", stream: 1, data: snapshotText(fields), now: T0 + 100 },
  ).state;
}

/** The stream has failed for good (an HTTP error): closed, a reconnect armed, a poll on its way. */
function closedStream(): ConnectionState {
  return feed(live(), { type: "streamError", stream: 1, closed: true }).state;
}

describe("start", () => {
  it("arms a first poll at once and opens the event stream", () => {
    const { state, commands } = feed(initialConnectionState(), { type: "start", now: T0 });
    assert.deepEqual(commands, [
      { type: "schedulePoll", delayMs: 0 },
      { type: "openStream", stream: 1 },
    ]);
    assert.equal(state.mode, "connecting");
    assert.deepEqual(state.stream, { id: 1, phase: "connecting" });
    assert.equal(state.pollScheduled, true);
    assert.equal(state.lastEventAt, T0);
    assert.equal(state.snapshot, null);
    assert.equal(state.updates, 0);
  });

  it("starting again (a new token) keeps the figures and an offline banner, and never reuses a stream id", () => {
    const offline = feed(
      closedStream(),
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "network" },
    ).state;
    assert.equal(offline.mode, "offline");

    const { state, commands } = feed(offline, { type: "start", now: T0 + 9000 });
    assert.equal(state.mode, "offline");
    assert.equal(state.snapshot, offline.snapshot);
    assert.equal(state.updates, offline.updates);
    assert.equal(state.lastUpdateAt, offline.lastUpdateAt);
    assert.deepEqual(commands, [
      { type: "schedulePoll", delayMs: 0 },
      { type: "openStream", stream: 2 },
    ]);
    // What the previous run had armed or learnt is gone with it.
    assert.equal(state.reconnectScheduled, false);
    assert.equal(state.reconnectDelayMs, RECONNECT_MIN_MS);
    assert.equal(state.pollInFlight, null);
    assert.equal(state.outage, false);
  });

  it("starting again forgets the previous run's request: its answer is ignored and the next poll goes out", () => {
    const waiting = feed(started(), { type: "pollDue" }).state;
    assert.equal(waiting.pollInFlight, 1);
    const restarted = feed(waiting, { type: "start", now: T0 + 500 }).state;
    assert.equal(restarted.pollInFlight, null);

    const late = feed(restarted, { type: "pollSucceeded", request: 1, data: {}, now: T0 + 600 });
    assert.equal(late.state, restarted);
    assert.deepEqual(feed(restarted, { type: "pollDue" }).commands, [{ type: "fetchStatus", request: 2 }]);
  });

  it("starting again while live shows connecting until the new stream answers", () => {
    const { state } = feed(live(), { type: "start", now: T0 + 5000 });
    assert.equal(state.mode, "connecting");
    assert.deepEqual(state.stream, { id: 2, phase: "connecting" });
  });
});

describe("the event stream", () => {
  it("once open, is live and stops polling", () => {
    const { state, commands } = feed(started(), { type: "streamOpened", stream: 1, now: T0 + 50 });
    assert.deepEqual(commands, [{ type: "cancelPoll" }]);
    assert.equal(state.mode, "live");
    assert.deepEqual(state.stream, { id: 1, phase: "open" });
    assert.equal(state.pollScheduled, false);
    assert.equal(state.pollInFlight, null);
    assert.equal(state.lastEventAt, T0 + 50);
  });

  it("opening aborts a poll in flight, whose late answer is then ignored", () => {
    const polling = feed(started(), { type: "pollDue" });
    assert.deepEqual(polling.commands, [{ type: "fetchStatus", request: 1 }]);
    const opened = feed(polling.state, { type: "streamOpened", stream: 1, now: T0 + 50 });
    assert.deepEqual(opened.commands, [{ type: "cancelPoll" }]);
    const late = feed(opened.state, { type: "pollSucceeded", request: 1, data: { status: "failed" }, now: T0 + 60 });
    assert.equal(late.state, opened.state);
    assert.deepEqual(late.commands, []);
  });

  it("takes each snapshot, complete, as the page's new state", () => {
    const { state, commands } = feed(
      started(),
      { type: "streamOpened", stream: 1, now: T0 + 50 },
      { type: "streamSnapshot", stream: 1, data: JSON.stringify({ job_id: "job-1", status: "processing" }), now: T0 + 100 },
    );
    assert.deepEqual(commands, [{ type: "cancelPoll" }]);
    assert.deepEqual(state.snapshot, { ...EMPTY_SNAPSHOT, job_id: "job-1", status: "processing" });
    assert.equal(state.updates, 1);
    assert.equal(state.lastUpdateAt, T0 + 100);
    assert.equal(state.lastEventAt, T0 + 100);
    assert.equal(state.mode, "live");

    const second = feed(state, { type: "streamSnapshot", stream: 1, data: snapshotText(RUNNING), now: T0 + 600 });
    assert.equal(second.state.updates, 2);
    assert.equal(second.state.snapshot?.processed_files, 3);
  });

  it("ignores a snapshot that is not JSON, but counts it as a sign of life", () => {
    const before = live();
    const { state, commands } = feed(before, { type: "streamSnapshot", stream: 1, data: "{not json", now: T0 + 700 });
    assert.deepEqual(commands, []);
    assert.equal(state.snapshot, before.snapshot);
    assert.equal(state.updates, before.updates);
    assert.equal(state.lastEventAt, T0 + 700);
  });

  it("applies a job event's new status to the current job's figures", () => {
    const { state } = feed(live(), {
      type: "streamJob",
      stream: 1,
      data: JSON.stringify({ job_id: "job-1", status: "stopping" }),
      now: T0 + 800,
    });
    assert.equal(state.snapshot?.status, "stopping");
    assert.equal(state.snapshot?.processed_files, 3);
    assert.equal(state.updates, 2);
    assert.equal(state.lastUpdateAt, T0 + 800);
  });

  it("starts a new job's figures from zero, keeping the data source", () => {
    const source = { kind: "demo", description: "Demo data", is_demo: true };
    const { state } = feed(live({ ...RUNNING, status: "completed", source }), {
      type: "streamJob",
      stream: 1,
      data: JSON.stringify({ job_id: "job-2", status: "processing" }),
      now: T0 + 900,
    });
    assert.deepEqual(state.snapshot, { ...EMPTY_SNAPSHOT, source, job_id: "job-2", status: "processing" });
  });

  it("keeps the current job id when a job event has none, and reads an unknown status as idle", () => {
    const { state } = feed(live(), { type: "streamJob", stream: 1, data: JSON.stringify({ status: "exploded" }), now: T0 + 900 });
    assert.equal(state.snapshot?.job_id, "job-1");
    assert.equal(state.snapshot?.status, "idle");
  });

  it("ignores a job event before any snapshot, or one that is not JSON", () => {
    const opened = feed(started(), { type: "streamOpened", stream: 1, now: T0 + 50 }).state;
    const early = feed(opened, { type: "streamJob", stream: 1, data: JSON.stringify({ job_id: "j", status: "processing" }), now: T0 + 60 });
    assert.equal(early.state.snapshot, null);
    assert.equal(early.state.updates, 0);
    assert.equal(early.state.lastEventAt, T0 + 60);

    const broken = feed(live(), { type: "streamJob", stream: 1, data: "nope", now: T0 + 900 });
    assert.equal(broken.state.updates, 1);
    assert.equal(broken.state.lastEventAt, T0 + 900);
  });

  it("notes other events only as signs of life", () => {
    const before = live();
    const { state, commands } = feed(before, { type: "streamActivity", stream: 1, now: T0 + 4000 });
    assert.deepEqual(commands, []);
    assert.deepEqual(state, { ...before, lastEventAt: T0 + 4000 });
  });

  it("ignores every event of a stream that has been replaced", () => {
    const replaced = feed(live(), { type: "streamError", stream: 1, closed: true }, { type: "reconnectDue", now: T0 + 2000 });
    assert.deepEqual(replaced.state.stream, { id: 2, phase: "connecting" });
    const stale: ConnectionEvent[] = [
      { type: "streamOpened", stream: 1, now: T0 + 2100 },
      { type: "streamSnapshot", stream: 1, data: snapshotText({ status: "failed" }), now: T0 + 2100 },
      { type: "streamJob", stream: 1, data: JSON.stringify({ status: "failed" }), now: T0 + 2100 },
      { type: "streamActivity", stream: 1, now: T0 + 2100 },
      { type: "streamError", stream: 1, closed: true },
    ];
    for (const event of stale) {
      const { state, commands } = feed(replaced.state, event);
      assert.equal(state, replaced.state, event.type);
      assert.deepEqual(commands, [], event.type);
    }
  });
});

describe("stream errors and reconnection", () => {
  it("while the browser retries by itself, only polls", () => {
    const { state, commands } = feed(live(), { type: "streamError", stream: 1, closed: false });
    assert.deepEqual(commands, [{ type: "schedulePoll", delayMs: 0 }]);
    assert.deepEqual(state.stream, { id: 1, phase: "connecting" });
    assert.equal(state.reconnectScheduled, false);
    // The page keeps saying live until a poll answers or fails.
    assert.equal(state.mode, "live");
  });

  it("does not arm a second poll while one is in flight", () => {
    const inFlight = feed(started(), { type: "pollDue" }).state;
    const { state, commands } = feed(inFlight, { type: "streamError", stream: 1, closed: false });
    assert.deepEqual(commands, []);
    assert.equal(state.pollInFlight, 1);
  });

  it("when the browser gave up, arms a reconnect after 1 s and polls at once", () => {
    const { state, commands } = feed(live(), { type: "streamError", stream: 1, closed: true });
    assert.deepEqual(commands, [
      { type: "scheduleReconnect", delayMs: RECONNECT_MIN_MS },
      { type: "schedulePoll", delayMs: 0 },
    ]);
    assert.deepEqual(state.stream, { id: 1, phase: "closed" });
    assert.equal(state.reconnectScheduled, true);
  });

  it("doubles the reconnect delay after each failed attempt, up to 15 s", () => {
    let state = live();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      const failed = feed(state, { type: "streamError", stream: attempt, closed: true });
      const armed = failed.commands.find((command) => command.type === "scheduleReconnect");
      assert.ok(armed && armed.type === "scheduleReconnect", `attempt ${attempt} arms a reconnect`);
      delays.push(armed.delayMs);
      const retried = feed(failed.state, { type: "reconnectDue", now: T0 + attempt * 20_000 });
      assert.deepEqual(retried.commands, [{ type: "openStream", stream: attempt + 1 }]);
      assert.equal(retried.state.reconnectScheduled, false);
      state = retried.state;
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    assert.equal(RECONNECT_MAX_MS, 15000);
  });

  it("an open stream resets the delay to 1 s", () => {
    const backedOff = feed(
      closedStream(),
      { type: "reconnectDue", now: T0 + 1000 },
      { type: "streamError", stream: 2, closed: true },
      { type: "reconnectDue", now: T0 + 3000 },
    ).state;
    assert.equal(backedOff.reconnectDelayMs, 4000);
    const { state } = feed(backedOff, { type: "streamOpened", stream: 3, now: T0 + 3100 });
    assert.equal(state.reconnectDelayMs, RECONNECT_MIN_MS);
  });

  it("arms no second reconnect while one is armed", () => {
    const armed = closedStream();
    const { state, commands } = feed(armed, { type: "pollDue" }, { type: "pollSucceeded", request: 1, data: {}, now: T0 + 200 });
    assert.ok(!commands.some((command) => command.type === "scheduleReconnect"));
    assert.equal(state.reconnectDelayMs, armed.reconnectDelayMs);
  });

  it("ignores a reconnect timer that is no longer armed", () => {
    const before = live();
    const { state, commands } = feed(before, { type: "reconnectDue", now: T0 + 5000 });
    assert.equal(state, before);
    assert.deepEqual(commands, []);
  });
});

describe("polling", () => {
  it("sends one status request when the poll timer fires, each with its own id", () => {
    const first = feed(started(), { type: "pollDue" });
    assert.deepEqual(first.commands, [{ type: "fetchStatus", request: 1 }]);
    assert.equal(first.state.pollInFlight, 1);
    assert.equal(first.state.pollScheduled, false);

    const second = feed(
      first.state,
      { type: "pollFailed", request: 1, reason: "other" },
      { type: "pollDue" },
    );
    assert.deepEqual(second.commands, [
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
      { type: "fetchStatus", request: 2 },
    ]);
  });

  it("ignores a poll timer that is no longer armed, and does not poll twice at once", () => {
    const notArmed = live();
    assert.deepEqual(feed(notArmed, { type: "pollDue" }), { state: notArmed, commands: [] });

    const busy = { ...feed(started(), { type: "pollDue" }).state, pollScheduled: true };
    const { state, commands } = feed(busy, { type: "pollDue" });
    assert.deepEqual(commands, []);
    assert.equal(state.pollInFlight, 1);
    assert.equal(state.pollScheduled, false);
  });

  it("does not poll while the stream is open", () => {
    const open = { ...live(), pollScheduled: true };
    const { state, commands } = feed(open, { type: "pollDue" });
    assert.deepEqual(commands, []);
    assert.equal(state.pollInFlight, null);
  });

  it("falls back to polling: an answer while the stream reconnects shows polling and polls again in 2 s", () => {
    const { state, commands } = feed(
      started(),
      { type: "pollDue" },
      { type: "pollSucceeded", request: 1, data: { job_id: "job-1", status: "completed" }, now: T0 + 300 },
    );
    assert.deepEqual(commands, [
      { type: "fetchStatus", request: 1 },
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
    ]);
    assert.equal(state.mode, "polling");
    assert.deepEqual(state.snapshot, { ...EMPTY_SNAPSHOT, job_id: "job-1", status: "completed" });
    assert.equal(state.updates, 1);
    assert.equal(state.lastUpdateAt, T0 + 300);
    assert.equal(state.pollInFlight, null);
  });

  it("with the stream closed for good, keeps backing off while the polls answer", () => {
    const { state, commands } = feed(
      closedStream(),
      { type: "reconnectDue", now: T0 + 1000 },
      { type: "pollDue" },
      { type: "streamError", stream: 2, closed: true },
      { type: "pollSucceeded", request: 1, data: {}, now: T0 + 1200 },
    );
    assert.deepEqual(commands, [
      { type: "openStream", stream: 2 },
      { type: "fetchStatus", request: 1 },
      { type: "scheduleReconnect", delayMs: 2000 },
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
    ]);
    assert.equal(state.mode, "polling");
    assert.equal(state.reconnectDelayMs, 4000);
  });

  it("an answer with no stream at all arms the reconnect itself", () => {
    const noStream = { ...feed(started(), { type: "pollDue" }).state, stream: null };
    const { state, commands } = feed(noStream, { type: "pollSucceeded", request: 1, data: {}, now: T0 + 100 });
    assert.deepEqual(commands, [
      { type: "scheduleReconnect", delayMs: RECONNECT_MIN_MS },
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
    ]);
    assert.equal(state.reconnectScheduled, true);
  });

  it("ignores the answer of a request it no longer waits for", () => {
    const waiting = feed(started(), { type: "pollDue" }).state;
    for (const event of [
      { type: "pollSucceeded", request: 7, data: {}, now: T0 + 100 },
      { type: "pollFailed", request: 7, reason: "network" },
    ] as ConnectionEvent[]) {
      const { state, commands } = feed(waiting, event);
      assert.equal(state, waiting, event.type);
      assert.deepEqual(commands, [], event.type);
    }
  });

  it("drops an answer that arrives after the stream opened", () => {
    const inFlight = { ...feed(started(), { type: "pollDue" }).state, stream: { id: 1, phase: "open" as const } };
    const { state, commands } = feed(inFlight, { type: "pollSucceeded", request: 1, data: { status: "failed" }, now: T0 + 100 });
    assert.deepEqual(commands, []);
    assert.equal(state.snapshot, null);
    assert.equal(state.pollInFlight, null);
  });

  it("keeps polling after an error other than a network failure, without changing the mode", () => {
    const { state, commands } = feed(
      started(),
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "other" },
    );
    assert.deepEqual(commands.slice(1), [{ type: "schedulePoll", delayMs: POLL_INTERVAL_MS }]);
    assert.equal(state.mode, "connecting");
    assert.equal(state.outage, false);
  });

  it("stops on 401: the token prompt takes over", () => {
    const { state, commands } = feed(
      started(),
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "unauthorized" },
    );
    assert.deepEqual(commands, [{ type: "fetchStatus", request: 1 }]);
    assert.equal(state.pollInFlight, null);
    assert.equal(state.pollScheduled, false);
    assert.equal(state.mode, "connecting");
  });
});

describe("going offline and coming back", () => {
  it("a poll that reaches no server shows the offline banner and keeps polling every 2 s", () => {
    const { state, commands } = feed(
      closedStream(),
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "network" },
    );
    assert.deepEqual(commands, [
      { type: "fetchStatus", request: 1 },
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
    ]);
    assert.equal(state.mode, "offline");
    assert.equal(state.outage, true);
    // The figures of the last answer stay on screen, with its time for the banner.
    assert.equal(state.snapshot?.job_id, "job-1");
    assert.equal(state.lastUpdateAt, T0 + 100);
  });

  it("back after an outage with the stream closed: reopens the stream at once with the delay reset", () => {
    const offline = feed(
      closedStream(),
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "network" },
      { type: "pollDue" },
    ).state;
    assert.equal(offline.reconnectScheduled, true);

    const { state, commands } = feed(offline, {
      type: "pollSucceeded",
      request: 2,
      data: { job_id: "job-1", status: "processing" },
      now: T0 + 6000,
    });
    assert.deepEqual(commands, [
      { type: "cancelReconnect" },
      { type: "openStream", stream: 2 },
      { type: "schedulePoll", delayMs: POLL_INTERVAL_MS },
    ]);
    assert.equal(state.mode, "polling");
    assert.equal(state.outage, false);
    assert.equal(state.reconnectScheduled, false);
    assert.equal(state.reconnectDelayMs, RECONNECT_MIN_MS);
    assert.equal(state.lastEventAt, T0 + 6000);

    const recovered = feed(state, { type: "streamOpened", stream: 2, now: T0 + 6100 });
    assert.equal(recovered.state.mode, "live");
    assert.deepEqual(recovered.commands, [{ type: "cancelPoll" }]);
  });

  it("back while the browser is still retrying the stream: leaves the stream to the browser", () => {
    const { state, commands } = feed(
      live(),
      { type: "streamError", stream: 1, closed: false },
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "network" },
      { type: "pollDue" },
      { type: "pollSucceeded", request: 2, data: {}, now: T0 + 4000 },
    );
    assert.ok(!commands.some((command) => command.type === "openStream" || command.type === "scheduleReconnect"));
    assert.equal(state.mode, "polling");
    assert.equal(state.outage, false);
  });

  it("the stream opening ends an outage, even before a poll answers", () => {
    const offline = feed(
      live(),
      { type: "streamError", stream: 1, closed: false },
      { type: "pollDue" },
      { type: "pollFailed", request: 1, reason: "network" },
    ).state;
    assert.equal(offline.mode, "offline");
    const { state } = feed(offline, { type: "streamOpened", stream: 1, now: T0 + 3000 });
    assert.equal(state.mode, "live");
    assert.equal(state.outage, false);
  });
});

describe("stall watchdog", () => {
  const silentFor = (state: ConnectionState, ms: number) => feed(state, { type: "watchdogTick", now: state.lastEventAt + ms });

  it("replaces a stream that has been silent for more than 10 s while a job runs, and polls meanwhile", () => {
    const { state, commands } = silentFor(live(), STALL_TIMEOUT_MS + 1);
    assert.deepEqual(commands, [
      { type: "openStream", stream: 2 },
      { type: "schedulePoll", delayMs: 0 },
    ]);
    assert.deepEqual(state.stream, { id: 2, phase: "connecting" });
  });

  it("leaves it alone at exactly 10 s, when no job runs, or when the stream is not open", () => {
    const cases: [string, ConnectionState, number][] = [
      ["10 s of silence", live(), STALL_TIMEOUT_MS],
      ["an idle server", live({ status: "idle" }), STALL_TIMEOUT_MS * 3],
      ["a finished job", live({ ...RUNNING, status: "completed" }), STALL_TIMEOUT_MS * 3],
      ["a stream still connecting", started(), STALL_TIMEOUT_MS * 3],
    ];
    for (const [name, before, silence] of cases) {
      const { state, commands } = silentFor(before, silence);
      assert.deepEqual(commands, [], name);
      assert.equal(state, before, name);
    }
  });

  it("counts any event as a sign of life", () => {
    const active = feed(live(), { type: "streamActivity", stream: 1, now: T0 + 9000 }).state;
    assert.deepEqual(feed(active, { type: "watchdogTick", now: T0 + 15_000 }).commands, []);
  });

  it("treats a stopping job as running too", () => {
    assert.equal(silentFor(live({ ...RUNNING, status: "stopping" }), STALL_TIMEOUT_MS + 1).commands.length, 2);
  });
});
