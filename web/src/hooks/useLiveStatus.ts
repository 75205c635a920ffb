import { useEffect, useRef, useState } from "react";
import { ApiError, api } from "../api/client";
import type { StatusSnapshot } from "../api/types";
import {
  initialConnectionState,
  reduce,
  WATCHDOG_INTERVAL_MS,
  type Command,
  type ConnectionEvent,
  type ConnectionMode,
  type ConnectionState,
  type PollFailure,
} from "../live/connection";

export interface LiveStatus {
  snapshot: StatusSnapshot | null;
  mode: ConnectionMode;
  /** When the server last answered (ms since epoch), for "last update" hints. */
  lastUpdateAt: number | null;
  /** Counts the snapshots received, so callers can tell a fresh one from the last. */
  updates: number;
}

/**
 * Follows the job: an EventSource with reconnection, and polling every 2 s whenever the stream is not open.
 * `enabled` is false while the server waits for a token.
 *
 * This hook only drives live/connection.ts, which decides everything: it owns the EventSource, the status
 * requests and the timers, reports what they do as events, and carries out the commands the reducer returns.
 */
export function useLiveStatus(token: string | null, enabled: boolean): LiveStatus {
  // The reducer's state outlives each run of the effect, so a new token keeps the figures on screen.
  const stateRef = useRef<ConnectionState>(initialConnectionState());
  const [status, setStatus] = useState<LiveStatus>(() => liveStatusOf(stateRef.current));

  useEffect(() => {
    if (!enabled) return undefined;

    let disposed = false;
    let source: EventSource | null = null;
    let pollTimer: number | undefined;
    let reconnectTimer: number | undefined;
    let pollRequest: AbortController | null = null;

    const dispatch = (event: ConnectionEvent) => {
      if (disposed) return;
      const { state, commands } = reduce(stateRef.current, event);
      stateRef.current = state;
      // Most stream events change nothing on screen; keep the previous object so React skips the render.
      setStatus((shown) => (sameStatus(shown, state) ? shown : liveStatusOf(state)));
      commands.forEach(run);
    };

    const run = (command: Command) => {
      switch (command.type) {
        case "openStream":
          source?.close();
          source = openStream(command.stream, dispatch);
          break;
        case "schedulePoll":
          window.clearTimeout(pollTimer);
          pollTimer = window.setTimeout(() => {
            pollTimer = undefined;
            dispatch({ type: "pollDue" });
          }, command.delayMs);
          break;
        case "cancelPoll":
          window.clearTimeout(pollTimer);
          pollTimer = undefined;
          pollRequest?.abort();
          pollRequest = null;
          break;
        case "fetchStatus": {
          const controller = new AbortController();
          pollRequest = controller;
          const request = command.request;
          api.status(controller.signal).then(
            (data) => {
              if (pollRequest === controller) pollRequest = null;
              if (!controller.signal.aborted) dispatch({ type: "pollSucceeded", request, data, now: Date.now() });
            },
            (error: unknown) => {
              if (pollRequest === controller) pollRequest = null;
              if (!controller.signal.aborted) dispatch({ type: "pollFailed", request, reason: failureOf(error) });
            },
          );
          break;
        }
        case "scheduleReconnect":
          window.clearTimeout(reconnectTimer);
          reconnectTimer = window.setTimeout(() => {
            reconnectTimer = undefined;
            dispatch({ type: "reconnectDue", now: Date.now() });
          }, command.delayMs);
          break;
        case "cancelReconnect":
          window.clearTimeout(reconnectTimer);
          reconnectTimer = undefined;
          break;
      }
    };

    const watchdog = window.setInterval(
      () => dispatch({ type: "watchdogTick", now: Date.now() }),
      WATCHDOG_INTERVAL_MS,
    );
    dispatch({ type: "start", now: Date.now() });

    return () => {
      disposed = true;
      window.clearInterval(watchdog);
      window.clearTimeout(reconnectTimer);
      window.clearTimeout(pollTimer);
      pollRequest?.abort();
      source?.close();
      source = null;
    };
  }, [token, enabled]);

  return status;
}

/** Opens the event stream and reports each of its events, tagged with `stream`. */
function openStream(stream: number, dispatch: (event: ConnectionEvent) => void): EventSource {
  const source = new EventSource(api.eventsURL());
  const dataOf = (event: Event) => String((event as MessageEvent<unknown>).data);
  source.onopen = () => dispatch({ type: "streamOpened", stream, now: Date.now() });
  source.onerror = () => dispatch({ type: "streamError", stream, closed: source.readyState === EventSource.CLOSED });
  source.addEventListener("snapshot", (event) =>
    dispatch({ type: "streamSnapshot", stream, data: dataOf(event), now: Date.now() }),
  );
  source.addEventListener("job", (event) =>
    dispatch({ type: "streamJob", stream, data: dataOf(event), now: Date.now() }),
  );
  const activity = () => dispatch({ type: "streamActivity", stream, now: Date.now() });
  source.addEventListener("user", activity);
  source.addEventListener("item_failed", activity);
  return source;
}

function failureOf(error: unknown): PollFailure {
  if (error instanceof ApiError && error.isUnauthorized) return "unauthorized";
  if (error instanceof ApiError && error.isNetwork) return "network";
  return "other";
}

function liveStatusOf(state: ConnectionState): LiveStatus {
  return { snapshot: state.snapshot, mode: state.mode, lastUpdateAt: state.lastUpdateAt, updates: state.updates };
}

function sameStatus(shown: LiveStatus, state: ConnectionState): boolean {
  return (
    shown.snapshot === state.snapshot &&
    shown.mode === state.mode &&
    shown.lastUpdateAt === state.lastUpdateAt &&
    shown.updates === state.updates
  );
}
