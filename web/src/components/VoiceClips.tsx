import { useState } from "react";
import { durationFromMetadata, nameOf, withAccessToken } from "../api/exports";
import type { ExportItem } from "../api/types";
import { formatBytes, formatMediaDuration } from "../format";
import "./VoiceClips.css";

interface VoiceClipsProps {
  items: readonly ExportItem[];
  token: string | null;
}

/** A user's voice clips, each with a player that loads only the file's header until it is played. */
export function VoiceClips({ items, token }: VoiceClipsProps) {
  return (
    <ul className="clips" data-testid="voice-clips">
      {items.map((item) => (
        <VoiceClip key={`${item.kind}/${item.id}`} item={item} token={token} />
      ))}
    </ul>
  );
}

function VoiceClip({ item, token }: { item: ExportItem; token: string | null }) {
  // The metadata's length shows at once; the file's own, once its header is read, replaces it.
  const [measured, setMeasured] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);
  const fromMetadata = durationFromMetadata(item.metadata);
  const duration = measured ?? fromMetadata;
  const labelId = `clip-${item.kind}-${item.id}`;

  return (
    <li className="clip" data-testid="voice-clip" data-item-id={item.id}>
      <div className="clip-head">
        <span className="clip-name" id={labelId}>
          {nameOf(item)}
        </span>
        <span
          className="clip-duration"
          data-testid="voice-duration"
          data-source={measured !== null ? "media" : fromMetadata !== null ? "metadata" : "unknown"}
          data-value={duration ?? ""}
        >
          {formatMediaDuration(duration)}
        </span>
      </div>
      <audio
        className="clip-player"
        controls
        preload="metadata"
        src={withAccessToken(item.file_url ?? "", token)}
        aria-labelledby={labelId}
        data-testid="voice-audio"
        onLoadedMetadata={(event) => {
          const seconds = event.currentTarget.duration;
          if (Number.isFinite(seconds) && seconds > 0) setMeasured(seconds);
        }}
        onError={() => setFailed(true)}
      />
      <div className="clip-foot muted">
        {formatBytes(item.size ?? 0)}
        {item.content_type ? ` · ${item.content_type}` : ""}
        {failed && (
          <span className="text-danger" role="status">
            {" "}
            · it could not be loaded
          </span>
        )}
      </div>
    </li>
  );
}
