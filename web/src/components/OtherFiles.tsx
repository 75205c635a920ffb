import { nameOf, withAccessToken } from "../api/exports";
import type { ExportItem } from "../api/types";
import { formatBytes } from "../format";
import "./OtherFiles.css";

/**
 * Exported files that are neither thumbnails nor voice clips: a player for video, a download link for anything else
 * (the server sends those as attachments, never to be shown in the page).
 */
export function OtherFiles({ items, token }: { items: readonly ExportItem[]; token: string | null }) {
  return (
    <ul className="other-files" data-testid="other-files">
      {items.map((item) => {
        const url = withAccessToken(item.file_url ?? "", token);
        const isVideo = (item.content_type ?? "").startsWith("video/");
        return (
          <li key={`${item.kind}/${item.id}`} className="other-file">
            {isVideo && <video className="other-video" controls preload="metadata" src={url} aria-label={nameOf(item)} />}
            <a href={url} download={nameOf(item)}>
              {nameOf(item)}
            </a>{" "}
            <span className="muted">
              {item.kind} · {formatBytes(item.size ?? 0)}
              {item.content_type ? ` · ${item.content_type}` : ""}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
