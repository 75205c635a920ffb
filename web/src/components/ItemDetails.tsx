import { metadataText, nameOf } from "../api/exports";
import type { ExportItem } from "../api/types";
import { formatBytes, formatCount } from "../format";
import { StatusBadge } from "./StatusBadge";
import "../styles/table.css";
import "./ItemDetails.css";

interface ItemDetailsProps {
  items: readonly ExportItem[];
}

/** Every item of the user's manifest, each opening onto a table of what is known of it and its metadata. */
export function ItemDetails({ items }: ItemDetailsProps) {
  return (
    <ul className="item-details" data-testid="item-details">
      {items.map((item) => (
        <li key={`${item.kind}/${item.id}`} data-testid="item-detail" data-item-id={item.id} data-status={item.status}>
          <details>
            <summary className="item-summary">
              <span className="item-name">{nameOf(item)}</span>
              <span className="item-kind muted">{item.kind}</span>
              <StatusBadge status={item.status} />
              <span className="item-size muted">{item.size === null ? "—" : formatBytes(item.size)}</span>
            </summary>
            <MetadataTable item={item} />
          </details>
        </li>
      ))}
    </ul>
  );
}

function MetadataTable({ item }: { item: ExportItem }) {
  const facts: [string, string][] = [
    ["Item id", item.id],
    ["Kind", item.kind],
    ["Status", item.status],
    ["Size", item.size === null ? "—" : `${formatBytes(item.size)} (${formatCount(item.size)} bytes)`],
    ["Content type", item.content_type ?? "—"],
    ["CRC32C", item.crc32c ?? "—"],
  ];
  if (item.error) facts.push(["Error", `${item.error.code}: ${item.error.message}`]);
  const metadata = Object.entries(item.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <table className="table meta-table" data-testid="metadata-table">
      <caption className="visually-hidden">What is known of {nameOf(item)}</caption>
      <tbody>
        {facts.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td className={key === "Item id" || key === "CRC32C" ? "mono" : undefined}>{value}</td>
          </tr>
        ))}
        <tr className="meta-section">
          <th scope="rowgroup" colSpan={2}>
            Metadata
          </th>
        </tr>
        {metadata.length === 0 ? (
          <tr>
            <td colSpan={2} className="muted">
              none recorded
            </td>
          </tr>
        ) : (
          metadata.map(([key, value]) => (
            <tr key={`metadata-${key}`} data-testid="metadata-row" data-key={key}>
              <th scope="row" className="mono">
                {key}
              </th>
              <td>{metadataText(value)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
