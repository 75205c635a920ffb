/**
 * How the dashboard follows the job, as a pure state machine: `reduce(state, event)` returns the next state and the
 * effects it asks for as plain data (`Command`s). The hook in hooks/useLiveStatus.ts owns the EventSource, the
 * fetches and the timers: it turns what they report into events and carries out the commands. Nothing in this
 * module reads the clock or touches the network, so every transition can be tested by feeding it events.
 *
 * The strategy:
 * - the event stream (`GET /batch-process-events`) is the normal way to hear from the server;
 * - whenever the stream is not open, `GET /batch-process-status` is polled every 2 s;
 * - a stream that the browser gave up on (an HTTP error such as 401, or a refused connection) is reopened after a
 *   delay that doubles from 1 s up to 15 s, and at once when a poll shows that the server is back after an outage;
 * - a stream that stays open but goes silent while a job runs is treated as dead and reopened.
 */
import { EMPTY_SNAPSHOT, normalizeSnapshot, parseStatus } from "../api/snapshot";
import type { StatusSnapshot } from "../api/types";
import { isRunning } from "../statuses";

export const POLL_INTERVAL_MS = 2000;
export const RECONNECT_MIN_MS = 1000;
export const RECONNECT_MAX_MS = 15000;
/** While a job runs the server sends a snapshot about every 500 ms; silence this long means a dead stream. */
export const STALL_TIMEOUT_MS = 10000;
/** How often the driver asks whether the stream has stalled. */
export const WATCHDOG_INTERVAL_MS = STALL_TIMEOUT_MS / 2;

/**
 * How the dashboard currently hears from the server:
 * `live` over Server-Sent Events, `polling` GET /batch-process-status while the stream is down,
 * `offline` when neither answers, `connecting` before the first answer.
 */
export type ConnectionMode = "connecting" | "live" | "polling" | "offline";

/** An EventSource's `readyState`, as its events have reported it. */
export type StreamPhase = "connecting" | "open" | "closed";

export interface ConnectionState {
  // What the page shows.
  snapshot: StatusSnapshot | null;
  mode: ConnectionMode;
  /** When the server last answered (ms since epoch), for "last update" hints. */
  lastUpdateAt: number | null;
  /** Counts the snapshots received, so callers can tell a fresh one from the last. */
  updates: number;

  // How it is being followed.
  /** The event stream opened last; its `id` tells its events from those of streams closed since. */
  stream: { id: number; phase: StreamPhase } | null;
  /** The id the next stream gets: ids are never reused, even across a restart. */
  nextStreamId: number;
  /** A poll timer is armed. */
  pollScheduled: boolean;
  /** The id of the status request in flight; the answer of any other (an aborted one) is ignored. */
  pollInFlight: number | null;
  nextPollId: number;
  /** A reconnect timer is armed; while it is, further failures do not arm another. */
  reconnectScheduled: boolean;
  /** The delay of the next reconnect timer. */
  reconnectDelayMs: number;
  /** When the stream last said anything, for the stall watchdog. */
  lastEventAt: number;
  /** A poll found the server unreachable and nothing has answered since. */
  outage: boolean;
}

export type ConnectionEvent =
  /** The driver starts following (on mount, or again with a new token). */
  | { type: "start"; now: number }
  | { type: "streamOpened"; stream: number; now: number }
  /** A `snapshot` event; `data` is its raw text. */
  | { type: "streamSnapshot"; stream: number; data: string; now: number }
  /** A `job` event (a job started or changed status); `data` is its raw text. */
  | { type: "streamJob"; stream: number; data: string; now: number }
  /** Any other event (`user`, `item_failed`): it proves the stream alive and carries nothing the page needs. */
  | { type: "streamActivity"; stream: number; now: number }
  /** The EventSource's `error`; `closed` when its readyState is CLOSED (the browser will not retry by itself). */
  | { type: "streamError"; stream: number; closed: boolean }
  | { type: "pollDue" }
  /** The answer to `fetchStatus`; `data` is the decoded JSON body. */
  | { type: "pollSucceeded"; request: number; data: unknown; now: number }
  | { type: "pollFailed"; request: number; reason: PollFailure }
  | { type: "reconnectDue"; now: number }
  | { type: "watchdogTick"; now: number };

/** Why a status request failed: `unauthorized` (401), `network` (no answer at all), `other` (any other error). */
export type PollFailure = "unauthorized" | "network" | "other";

export type Command =
  /** Close the current event stream, if any, and open a new one whose events carry `stream`. */
  | { type: "openStream"; stream: number }
  /** (Re)arm the poll timer: `pollDue` after `delayMs`, replacing any timer armed before. */
  | { type: "schedulePoll"; delayMs: number }
  /** Disarm the poll timer and abort the status request in flight. */
  | { type: "cancelPoll" }
  /** Send `GET /batch-process-status`; answer with `pollSucceeded` or `pollFailed` carrying `request`. */
  | { type: "fetchStatus"; request: number }
  /** Arm the reconnect timer: `reconnectDue` after `delayMs`. */
  | { type: "scheduleReconnect"; delayMs: number }
  /** Disarm the reconnect timer. */
  | { type: "cancelReconnect" };

export interface Transition {
  state: ConnectionState;
  commands: Command[];
}

export function initialConnectionState(): ConnectionState {
  return {
    snapshot: null,
    mode: "connecting",
    lastUpdateAt: null,
    updates: 0,
    stream: null,
    nextStreamId: 1,
    pollScheduled: false,
    pollInFlight: null,
    nextPollId: 1,
    reconnectScheduled: false,
    reconnectDelayMs: RECONNECT_MIN_MS,
    lastEventAt: 0,
    outage: false,
  };
}

export function reduce(state: ConnectionState, event: ConnectionEvent): Transition {
  // Each step below works on this copy and appends to `commands`; `state` itself is never changed.
  const next: Transition = { state: { ...state }, commands: [] };
  switch (event.type) {
    case "start":
      return start(next, event.now);
    case "streamOpened":
      if (!isCurrentStream(state, event.stream)) return unchanged(state);
      return streamOpened(next, event.stream, event.now);
    case "streamSnapshot":
      if (!isCurrentStream(state, event.stream)) return unchanged(state);
      return streamSnapshot(next, event.data, event.now);
    case "streamJob":
      if (!isCurrentStream(state, event.stream)) return unchanged(state);
      return streamJob(next, event.data, event.now);
    case "streamActivity":
      if (!isCurrentStream(state, event.stream)) return unchanged(state);
      next.state.lastEventAt = event.now;
      return next;
    case "streamError":
      if (!isCurrentStream(state, event.stream)) return unchanged(state);
      return streamError(next, event.stream, event.closed);
    case "pollDue":
      if (!state.pollScheduled) return unchanged(state);
      return pollDue(next);
    case "pollSucceeded":
      if (state.pollInFlight !== event.request) return unchanged(state);
      return pollSucceeded(next, event.data, event.now);
    case "pollFailed":
      if (state.pollInFlight !== event.request) return unchanged(state);
      return pollFailed(next, event.reason);
    case "reconnectDue":
      if (!state.reconnectScheduled) return unchanged(state);
      next.state.reconnectScheduled = false;
      connect(next, event.now);
      return next;
    case "watchdogTick":
      if (!hasStalled(state, event.now)) return unchanged(state);
      // A stream that stays open but goes silent while a job runs is as good as closed.
      connect(next, event.now);
      schedulePoll(next, 0);
      return next;
  }
}

function unchanged(state: ConnectionState): Transition {
  return { state, commands: [] };
}

function isCurrentStream(state: ConnectionState, stream: number): boolean {
  return state.stream !== null && state.stream.id === stream;
}

function streamIsOpen(state: ConnectionState): boolean {
  return state.stream !== null && state.stream.phase === "open";
}

/**
 * Following starts afresh: the snapshot and the figures on screen are kept, and an `offline` banner stays until the
 * server answers. The driver has dropped the timers, request and stream of any previous run; a first poll is armed
 * at once, and the stream opened.
 */
function start(next: Transition, now: number): Transition {
  const { state } = next;
  state.mode = state.mode === "offline" ? "offline" : "connecting";
  state.pollInFlight = null;
  state.reconnectScheduled = false;
  state.reconnectDelayMs = RECONNECT_MIN_MS;
  state.outage = false;
  schedulePoll(next, 0);
  connect(next, now);
  return next;
}

function streamOpened(next: Transition, stream: number, now: number): Transition {
  const { state } = next;
  state.stream = { id: stream, phase: "open" };
  state.outage = false;
  state.reconnectDelayMs = RECONNECT_MIN_MS;
  state.lastEventAt = now;
  stopPolling(next);
  state.mode = "live";
  return next;
}

function streamSnapshot(next: Transition, data: string, now: number): Transition {
  next.state.lastEventAt = now;
  const parsed = parseEventData(data);
  if (parsed === undefined) return next;
  accept(next, normalizeSnapshot(parsed), now);
  next.state.mode = "live";
  return next;
}

function streamJob(next: Transition, data: string, now: number): Transition {
  const { state } = next;
  state.lastEventAt = now;
  const parsed = parseEventData(data);
  const current = state.snapshot;
  // Without a snapshot there are no figures to attach the status to; the next snapshot brings both.
  if (!parsed || !current) return next;
  const fields = parsed as { job_id?: unknown; status?: unknown };
  const jobId = typeof fields.job_id === "string" ? fields.job_id : current.job_id;
  // A new job starts from zero; the next snapshot fills in its figures.
  const base = jobId === current.job_id ? current : { ...EMPTY_SNAPSHOT, source: current.source };
  accept(next, { ...base, job_id: jobId, status: parseStatus(fields.status) }, now);
  return next;
}

function streamError(next: Transition, stream: number, closed: boolean): Transition {
  const { state } = next;
  // Not closed: the browser retries by itself. Closed (an HTTP error such as 401): we retry later.
  state.stream = { id: stream, phase: closed ? "closed" : "connecting" };
  if (closed) scheduleReconnect(next);
  if (state.pollInFlight === null) schedulePoll(next, 0);
  return next;
}

function pollDue(next: Transition): Transition {
  const { state } = next;
  state.pollScheduled = false;
  if (streamIsOpen(state) || state.pollInFlight !== null) return next;
  const request = state.nextPollId;
  state.nextPollId += 1;
  state.pollInFlight = request;
  next.commands.push({ type: "fetchStatus", request });
  return next;
}

function pollSucceeded(next: Transition, data: unknown, now: number): Transition {
  const { state } = next;
  state.pollInFlight = null;
  // The stream opened meanwhile (it normally aborts the poll first): it has the newer news.
  if (streamIsOpen(state)) return next;
  accept(next, normalizeSnapshot(data), now);
  state.mode = "polling";
  if (state.stream === null || state.stream.phase === "closed") {
    // Back from an outage: try the stream again at once; otherwise keep backing off.
    if (state.outage) {
      state.reconnectDelayMs = RECONNECT_MIN_MS;
      connect(next, now);
    } else {
      scheduleReconnect(next);
    }
  }
  state.outage = false;
  if (!streamIsOpen(state)) schedulePoll(next, POLL_INTERVAL_MS);
  return next;
}

function pollFailed(next: Transition, reason: PollFailure): Transition {
  const { state } = next;
  state.pollInFlight = null;
  // The token prompt takes over: polling stops until the driver starts again with a new token.
  if (reason === "unauthorized") return next;
  if (reason === "network") {
    state.outage = true;
    state.mode = "offline";
  }
  if (!streamIsOpen(state)) schedulePoll(next, POLL_INTERVAL_MS);
  return next;
}

/** The stream is open, a job runs, and the stream has said nothing for longer than the server ever stays silent. */
function hasStalled(state: ConnectionState, now: number): boolean {
  return streamIsOpen(state) && isRunning(state.snapshot?.status) && now - state.lastEventAt > STALL_TIMEOUT_MS;
}

function accept(next: Transition, snapshot: StatusSnapshot, now: number): void {
  next.state.snapshot = snapshot;
  next.state.lastUpdateAt = now;
  next.state.updates += 1;
}

/** Replaces the stream (and forgets any pending reconnect). */
function connect(next: Transition, now: number): void {
  const { state } = next;
  if (state.reconnectScheduled) {
    state.reconnectScheduled = false;
    next.commands.push({ type: "cancelReconnect" });
  }
  const id = state.nextStreamId;
  state.nextStreamId += 1;
  state.stream = { id, phase: "connecting" };
  state.lastEventAt = now;
  next.commands.push({ type: "openStream", stream: id });
}

function schedulePoll(next: Transition, delayMs: number): void {
  next.state.pollScheduled = true;
  next.commands.push({ type: "schedulePoll", delayMs });
}

function stopPolling(next: Transition): void {
  next.state.pollScheduled = false;
  next.state.pollInFlight = null;
  next.commands.push({ type: "cancelPoll" });
}

/** Arms the reconnect timer unless it is armed already, and doubles the delay for the time after. */
function scheduleReconnect(next: Transition): void {
  const { state } = next;
  if (state.reconnectScheduled) return;
  state.reconnectScheduled = true;
  next.commands.push({ type: "scheduleReconnect", delayMs: state.reconnectDelayMs });
  state.reconnectDelayMs = Math.min(state.reconnectDelayMs * 2, RECONNECT_MAX_MS);
}

function parseEventData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
