import { useRef, useState, type KeyboardEvent } from "react";
import { nameOf, withAccessToken } from "../api/exports";
import type { ExportItem } from "../api/types";
import { formatBytes } from "../format";
import { nextIndex } from "../listKeys";
import { Lightbox } from "./Lightbox";
import "./ThumbnailGrid.css";

interface ThumbnailGridProps {
  items: readonly ExportItem[];
  token: string | null;
}

/**
 * A user's images as square thumbnails, loaded only as they scroll into view; a click or Enter opens one at full
 * size, Escape closes it and the focus returns to its thumbnail. Tab reaches each; the arrow keys move through them.
 */
export function ThumbnailGrid({ items, token }: ThumbnailGridProps) {
  const [open, setOpen] = useState<number | null>(null);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  const close = () => {
    const opened = open;
    setOpen(null);
    if (opened !== null) buttons.current[opened]?.focus();
  };

  // The arrow keys move through the grid as laid out: up and down by a row of as many columns as fit.
  const onGridKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const columns = getComputedStyle(event.currentTarget).gridTemplateColumns.split(" ").filter(Boolean).length;
    const current = buttons.current.indexOf(document.activeElement as HTMLButtonElement);
    const target = nextIndex(current, event.key, items.length, Math.max(1, columns));
    if (target === null) return;
    event.preventDefault();
    buttons.current[target]?.focus();
  };

  return (
    <>
      <ul className="thumbs" data-testid="thumbnails" onKeyDown={onGridKey}>
        {items.map((item, index) => (
          <li key={`${item.kind}/${item.id}`}>
            <button
              type="button"
              className="thumb"
              ref={(element) => {
                buttons.current[index] = element;
              }}
              onClick={() => setOpen(index)}
              data-testid="thumbnail-button"
              data-item-id={item.id}
              title={`${nameOf(item)} · ${formatBytes(item.size ?? 0)}`}
            >
              <img
                src={withAccessToken(item.file_url ?? "", token)}
                alt={nameOf(item)}
                loading="lazy"
                decoding="async"
                data-testid="thumbnail"
              />
            </button>
          </li>
        ))}
      </ul>
      {open !== null && items[open] && (
        <Lightbox
          items={items}
          index={open}
          token={token}
          onMove={(next) => setOpen(next)}
          onClose={close}
        />
      )}
    </>
  );
}
