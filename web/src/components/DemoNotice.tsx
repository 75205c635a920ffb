import type { SourceInfo } from "../api/types";
import "../styles/banner.css";

/** Says plainly that the files come from the built-in demo source, not from Firebase. */
export function DemoNotice({ source }: { source: SourceInfo | null | undefined }) {
  if (!source?.is_demo) return null;
  return (
    <div className="banner banner-demo" role="note" data-testid="demo-notice" id="demo-notice">
      <strong>Demo mode.</strong>{" "}
      <span>
        No Firebase project is configured, so MediaBatch exports generated sample data
        {source.description ? ` (${source.description})` : ""}.
      </span>
    </div>
  );
}
