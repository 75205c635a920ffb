import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from "react";
import { nameOf, withAccessToken } from "../api/exports";
import type { ExportItem } from "../api/types";
import { formatBytes, formatCount } from "../format";
import "../styles/button.css";
import "./Lightbox.css";

interface LightboxProps {
  items: readonly ExportItem[];
  index: number;
  token: string | null;
  onMove: (index: number) => void;
  onClose: () => void;
}

/**
 * One image at full size in a modal `<dialog>`: the browser keeps the focus inside it and closes it on Escape.
 * The arrow keys go to the previous and next image; a click beside the image closes it.
 */
export function Lightbox({ items, index, token, onMove, onClose }: LightboxProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const item = items[index];

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => {
      if (element?.open) element.close();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === "ArrowRight" && index < items.length - 1) onMove(index + 1);
    else if (event.key === "ArrowLeft" && index > 0) onMove(index - 1);
    else return;
    event.preventDefault();
  };
  // A click on the backdrop lands on the dialog itself.
  const onClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (event.target === dialog.current) onClose();
  };

  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-labelledby="lightbox-title"
      data-testid="lightbox"
      onClose={onClose}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      <div className="lightbox-head">
        <h3 id="lightbox-title" className="lightbox-title">
          {nameOf(item)}
        </h3>
        <button type="button" className="button button-small" onClick={onClose} data-testid="lightbox-close" autoFocus>
          Close
        </button>
      </div>
      <img className="lightbox-image" src={withAccessToken(item.file_url ?? "", token)} alt={nameOf(item)} data-testid="lightbox-image" />
      <div className="lightbox-foot">
        <span className="muted">
          {formatCount(index + 1)} of {formatCount(items.length)} · {formatBytes(item.size ?? 0)}
          {item.content_type ? ` · ${item.content_type}` : ""}
        </span>
        <span className="lightbox-nav">
          <button type="button" className="button button-small" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label="Previous image">
            ←
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={index === items.length - 1}
            onClick={() => onMove(index + 1)}
            aria-label="Next image"
          >
            →
          </button>
        </span>
      </div>
    </dialog>
  );
}
