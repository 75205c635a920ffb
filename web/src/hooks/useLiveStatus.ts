import { useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client";
import { EMPTY_SNAPSHOT, normalizeSnapshot, parseStatus } from "../api/snapshot";
import { isRunning, type StatusSnapshot } from "../api/types";

/**
 * How the dashboard currently hears from the server:
 * `live` over Server-Sent Events, `polling` GET /batch-process-status while the stream is down,
 * `offline` when neither answers, `connecting` before the first answer.
 */
export type ConnectionMode = "connecting" | "live" | "polling" | "offline";

export interface LiveStatus {
  snapshot: StatusSnapshot | null;
  mode: ConnectionMode;
  /** When the server last answered (ms since epoch), for "last update" hints. */
  lastUpdateAt: number | null;
  /** Counts the snapshots received, so callers can tell a fresh one from the last. */
  updates: number;
}

const POLL_INTERVAL_MS = 2000;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 15000;
/** While a job runs the server sends a snapshot about every 500 ms; silence this long means a dead stream. */
const STALL_TIMEOUT_MS = 10000;

function parseEventData(event: Event): unknown {
  try {
    return JSON.parse((event as MessageEvent<string>).data);
  } catch {
    return undefined;
  }
}

/**
 * Follows the job: an EventSource with automatic reconnection, and polling every 2 s whenever the
 * stream is not open. `enabled` is false while the server waits for a token.
 */
export function useLiveStatus(token: string | null, enabled: boolean): LiveStatus {
  const [snapshot, setSnapshot] = useState<StatusSnapshot | null>(null);
  const [mode, setMode] = useState<ConnectionMode>("connecting");
  const [lastUpdateAt, setLastUpdateAt] = useState<number | null>(null);
  const [updates, setUpdates] = useState(0);
  const snapshotRef = useRef<StatusSnapshot | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;

    let disposed = false;
    let source: EventSource | null = null;
    let pollTimer: number | undefined;
    let reconnectTimer: number | undefined;
    let pollInFlight: AbortController | null = null;
    let reconnectDelay = RECONNECT_MIN_MS;
    let lastEventAt = Date.now();
    let offline = false;

    const accept = (next: StatusSnapshot) => {
      snapshotRef.current = next;
      setSnapshot(next);
      setLastUpdateAt(Date.now());
      setUpdates((count) => count + 1);
    };

    const streamOpen = () => source !== null && source.readyState === EventSource.OPEN;

    const stopPolling = () => {
      window.clearTimeout(pollTimer);
      pollTimer = undefined;
      pollInFlight?.abort();
      pollInFlight = null;
    };

    const schedulePoll = (delay: number) => {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(poll, delay);
    };

    const poll = async () => {
      pollTimer = undefined;
      if (disposed || streamOpen() || pollInFlight) return;
      const controller = new AbortController();
      pollInFlight = controller;
      try {
        const next = normalizeSnapshot(await api.status(controller.signal));
        if (disposed || controller.signal.aborted || streamOpen()) return;
        accept(next);
        setMode("polling");
        if (source === null || source.readyState === EventSource.CLOSED) {
          // Back from an outage: try the stream again at once; otherwise keep backing off.
          if (offline) {
            reconnectDelay = RECONNECT_MIN_MS;
            connect();
          } else {
            scheduleReconnect();
          }
        }
        offline = false;
      } catch (error) {
        if (disposed || controller.signal.aborted) return;
        if (error instanceof ApiError && error.isUnauthorized) return; // the token prompt takes over
        if (error instanceof ApiError && error.isNetwork) {
          offline = true;
          setMode("offline");
        }
      } finally {
        if (pollInFlight === controller) pollInFlight = null;
      }
      if (!disposed && !streamOpen()) schedulePoll(POLL_INTERVAL_MS);
    };

    const scheduleReconnect = () => {
      if (reconnectTimer !== undefined) return;
      reconnectTimer = window.setTimeout(() => {
        reconnectTimer = undefined;
        connect();
      }, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, RECONNECT_MAX_MS);
    };

    const connect = () => {
      if (disposed) return;
      window.clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      source?.close();
      const stream = new EventSource(api.eventsURL());
      source = stream;
      lastEventAt = Date.now();

      stream.onopen = () => {
        if (source !== stream) return;
        offline = false;
        reconnectDelay = RECONNECT_MIN_MS;
        lastEventAt = Date.now();
        stopPolling();
        setMode("live");
      };

      stream.addEventListener("snapshot", (event) => {
        if (source !== stream) return;
        lastEventAt = Date.now();
        const data = parseEventData(event);
        if (data === undefined) return;
        accept(normalizeSnapshot(data));
        setMode("live");
      });

      stream.addEventListener("job", (event) => {
        if (source !== stream) return;
        lastEventAt = Date.now();
        const data = parseEventData(event) as { job_id?: string; status?: string } | undefined;
        const current = snapshotRef.current;
        if (!data || !current) return;
        const jobId = typeof data.job_id === "string" ? data.job_id : current.job_id;
        // A new job starts from zero; the next snapshot fills in its figures.
        const base = jobId === current.job_id ? current : { ...EMPTY_SNAPSHOT, source: current.source };
        accept({ ...base, job_id: jobId, status: parseStatus(data.status) });
      });

      const touch = () => {
        lastEventAt = Date.now();
      };
      stream.addEventListener("user", touch);
      stream.addEventListener("item_failed", touch);

      stream.onerror = () => {
        if (source !== stream || disposed) return;
        // CONNECTING: the browser retries by itself. CLOSED (HTTP error, e.g. 401): we retry later.
        if (stream.readyState === EventSource.CLOSED) scheduleReconnect();
        if (!pollInFlight) schedulePoll(0);
      };
    };

    // A stream that stays open but goes silent while a job runs is as good as closed.
    const watchdog = window.setInterval(() => {
      if (!streamOpen()) return;
      if (isRunning(snapshotRef.current?.status) && Date.now() - lastEventAt > STALL_TIMEOUT_MS) {
        connect();
        schedulePoll(0);
      }
    }, STALL_TIMEOUT_MS / 2);

    setMode((current) => (current === "offline" ? current : "connecting"));
    schedulePoll(0);
    connect();

    return () => {
      disposed = true;
      window.clearInterval(watchdog);
      window.clearTimeout(reconnectTimer);
      stopPolling();
      source?.close();
      source = null;
    };
  }, [token, enabled]);

  return { snapshot, mode, lastUpdateAt, updates };
}
