import { useRef } from "react";
import type { StatusSnapshot } from "../api/types";
import { emptyHistory, record, type ThroughputHistory } from "../live/throughput";

/**
 * The throughput history of the job the snapshots describe, kept while the page shows other views so the charts have
 * the whole job when it comes back.
 *
 * It is worked out during the render that brings each snapshot, not in an effect, so a snapshot costs one render and
 * not two. That is safe because `record` is pure and idempotent: the same snapshot again (as StrictMode's second
 * render passes it) returns the same history.
 */
export function useThroughput(snapshot: StatusSnapshot | null): ThroughputHistory {
  const history = useRef<ThroughputHistory>(emptyHistory());
  if (snapshot) history.current = record(history.current, snapshot);
  return history.current;
}
