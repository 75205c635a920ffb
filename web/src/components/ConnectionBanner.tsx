import type { ConnectionMode } from "../live/connection";
import { formatTime } from "../format";
import "../styles/banner.css";
import "./ConnectionBanner.css";

interface ConnectionBannerProps {
  mode: ConnectionMode;
  lastUpdateAt: number | null;
}

/** Shown while the server cannot be reached; it disappears by itself once the server answers. */
export function ConnectionBanner({ mode, lastUpdateAt }: ConnectionBannerProps) {
  if (mode !== "offline") return null;
  return (
    <div className="banner banner-offline" role="alert" data-testid="connection-banner" id="connection-banner">
      <strong>The MediaBatch server cannot be reached.</strong>{" "}
      <span>
        Retrying automatically
        {lastUpdateAt ? `; figures below are from ${formatTime(new Date(lastUpdateAt).toISOString())}` : ""}.
      </span>
    </div>
  );
}

const MODE_LABELS: Record<ConnectionMode, string> = {
  connecting: "Connecting",
  live: "Live",
  polling: "Polling",
  offline: "Offline",
};

const MODE_TITLES: Record<ConnectionMode, string> = {
  connecting: "Connecting to the server",
  live: "Receiving live updates",
  polling: "Live updates unavailable: refreshing every 2 seconds",
  offline: "The server cannot be reached",
};

/** A small indicator of how updates arrive; `locked` while the server waits for a token. */
export function ConnectionIndicator({ mode, locked = false }: { mode: ConnectionMode; locked?: boolean }) {
  const shown = locked ? "locked" : mode;
  return (
    <span
      className={`connection connection-${shown}`}
      data-testid="connection-mode"
      data-mode={shown}
      title={locked ? "The server needs an access token" : MODE_TITLES[mode]}
    >
      <span className="connection-dot" aria-hidden="true" />
      {locked ? "Token needed" : MODE_LABELS[mode]}
    </span>
  );
}
