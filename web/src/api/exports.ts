/**
 * The media browser's side of the API (`GET /exports/users`, `GET /exports/users/{id}` and the files they link to;
 * their shapes are in types.ts) and the pure helpers that read them: which way an item is shown, its clip length from
 * its metadata, a file address that carries the token for `<img>` and `<audio>`, which cannot send headers, and names
 * made safe to show.
 */
import type { ExportItem } from "./types";

export interface ExportUsersQuery {
  q?: string;
  limit?: number;
  cursor?: string;
}

/** How an item is shown on its user's page. */
export type Presentation = "image" | "audio" | "video" | "file" | "none";

/** The raster types the server sends with their own `Content-Type` (anything else comes as an attachment). */
const INLINE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * An item with a file is a thumbnail when it is a raster image the server sends inline, a player when it is audio or
 * video, and a download link otherwise (an SVG, say, which the server only sends as an attachment). Without a content
 * type, the kind decides. An item without a file is listed but not shown.
 */
export function presentationOf(item: Pick<ExportItem, "kind" | "content_type" | "file_url">): Presentation {
  if (!item.file_url) return "none";
  const type = (item.content_type ?? "").split(";")[0].trim().toLowerCase();
  if (type) {
    if (INLINE_IMAGE_TYPES.has(type)) return "image";
    if (type.startsWith("audio/")) return "audio";
    if (type.startsWith("video/")) return "video";
    return "file";
  }
  if (item.kind === "images") return "image";
  if (item.kind === "voices") return "audio";
  return "file";
}

/** Metadata keys that give a clip's length, and the seconds one of their units is worth. */
const DURATION_KEYS: readonly [string, number][] = [
  ["durationMs", 0.001],
  ["duration_ms", 0.001],
  ["durationMillis", 0.001],
  ["durationSeconds", 1],
  ["duration_seconds", 1],
  ["duration", 1],
];

/** A clip's length in seconds from its metadata, when a field gives it as a positive number; else `null`. */
export function durationFromMetadata(metadata: Record<string, unknown> | null | undefined): number | null {
  if (!metadata) return null;
  for (const [key, unit] of DURATION_KEYS) {
    const raw = metadata[key];
    const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof value === "number" && Number.isFinite(value) && value > 0) return value * unit;
  }
  return null;
}

/**
 * `url` with `access_token=<token>` added to its query, for an element that loads it itself; `url` as it is when
 * there is no token. Any query and fragment already there are kept.
 */
export function withAccessToken(url: string, token: string | null): string {
  if (!token) return url;
  const hashStart = url.indexOf("#");
  const base = hashStart === -1 ? url : url.slice(0, hashStart);
  const fragment = hashStart === -1 ? "" : url.slice(hashStart);
  const separator = base.includes("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
  return `${base}${separator}access_token=${encodeURIComponent(token)}${fragment}`;
}

/** The path of a user's detail, with the id encoded as one path segment. */
export function exportUserPath(userId: string): string {
  return `/exports/users/${encodeURIComponent(userId)}`;
}

/**
 * A metadata value as one line of text: strings as they are, a typed Firestore value (`{"$type": "timestamp",
 * "value": "2025-07-13T06:20:25Z"}`, as manifests store them) as its value, everything else as JSON.
 */
export function metadataText(value: unknown): string {
  if (typeof value === "string") return printable(value);
  if (value === undefined) return "";
  if (isTypedValue(value)) return metadataText(value.value);
  try {
    return printable(JSON.stringify(value) ?? String(value));
  } catch {
    return printable(String(value));
  }
}

function isTypedValue(value: unknown): value is { $type: string; value: unknown } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes("$type") && keys.includes("value");
}

/**
 * `text` safe to show: control characters and the invisible marks that reorder text (bidirectional overrides and
 * isolates, as in `invoice\u202Egnp.exe`, which reads as `invoiceexe.png`) become U+FFFD, so a name shows what it is.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, "\uFFFD");
}

/** The name an item is shown by: its original file name when it has one, else its id; printable either way. */
export function nameOf(item: Pick<ExportItem, "original_name" | "id">): string {
  return printable(item.original_name || item.id);
}
