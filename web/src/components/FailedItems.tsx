import { nameOf, printable } from "../api/exports";
import type { ExportItem } from "../api/types";
import "./FailedItems.css";

/** The user's items that were not exported, each with the stable code and the message of its error. */
export function FailedItems({ items }: { items: readonly ExportItem[] }) {
  return (
    <ul className="failed-items" data-testid="failed-items">
      {items.map((item) => (
        <li key={`${item.kind}/${item.id}`} className="failed-item" data-testid="failed-item" data-item-id={item.id}>
          <div className="failed-item-head">
            <span className="failed-item-name">{nameOf(item)}</span>
            <span className="muted mono">
              {printable(`${item.kind}/${item.id}`)}
            </span>
          </div>
          <p>
            <code className="error-code" data-testid="failed-item-code">
              {printable(item.error?.code ?? item.status)}
            </code>{" "}
            <span data-testid="failed-item-message">{printable(item.error?.message ?? "No message was recorded.")}</span>
          </p>
        </li>
      ))}
    </ul>
  );
}
