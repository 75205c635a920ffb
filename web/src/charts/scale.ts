/**
 * The arithmetic behind the dashboard's hand-drawn SVG charts: round axis maxima, values mapped to a box, and the
 * path data of a line and of the area under it. No DOM here, so all of it is unit-tested.
 */

export interface Point {
  x: number;
  y: number;
}

/** The steps an axis maximum may take within each power of ten. */
const NICE_STEPS = [1, 2, 2.5, 5, 10];

/**
 * The smallest "round" number (1, 2, 2.5 or 5 times a power of ten) at least `value`, so an axis tops out at a value
 * a person can read. Nothing, or no number, gives 1: an empty chart still has an axis.
 */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of NICE_STEPS) {
    // Rounding noise (0.30000000000000004) must not push a value up a step.
    const candidate = Number((step * power).toPrecision(12));
    if (candidate >= value) return candidate;
  }
  return 10 * power;
}

/** Maps `value` in [0, domainMax] onto [0, size], clamped, for `domainMax` > 0. */
export function scale(value: number, domainMax: number, size: number): number {
  if (!(domainMax > 0) || !Number.isFinite(value)) return 0;
  return Math.min(size, Math.max(0, (value / domainMax) * size));
}

export interface PlotBox {
  width: number;
  height: number;
  /** The largest x and y values, drawn at the right and top edges. */
  xMax: number;
  yMax: number;
}

/** Data points to box coordinates: x to the right, y up from the bottom edge (SVG's y grows downwards). */
export function plot(points: readonly Point[], box: PlotBox): Point[] {
  return points.map((point) => ({
    x: scale(point.x, box.xMax, box.width),
    y: box.height - scale(point.y, box.yMax, box.height),
  }));
}

/** `M x,y L x,y …` through the points; empty when there are none. */
export function linePath(points: readonly Point[]): string {
  return points.map((point, index) => `${index === 0 ? "M" : "L"}${coordinate(point.x)},${coordinate(point.y)}`).join("");
}

/** The line through the points, closed down to `baseline` (the bottom edge), to fill under it. */
export function areaPath(points: readonly Point[], baseline: number): string {
  if (points.length === 0) return "";
  const first = points[0];
  const last = points[points.length - 1];
  return `${linePath(points)}L${coordinate(last.x)},${coordinate(baseline)}L${coordinate(first.x)},${coordinate(baseline)}Z`;
}

export interface Bar {
  label: string;
  value: number;
  /** The bar's length as a fraction of the longest, 0–1. */
  fraction: number;
}

/** The positive counts as bars, longest first (ties by label), each sized against the largest. */
export function barsOf(counts: Readonly<Record<string, number>>): Bar[] {
  const entries = Object.entries(counts)
    .filter(([, value]) => Number.isFinite(value) && value > 0)
    .sort(([labelA, a], [labelB, b]) => b - a || labelA.localeCompare(labelB));
  const largest = entries.length > 0 ? entries[0][1] : 0;
  return entries.map(([label, value]) => ({ label, value, fraction: largest > 0 ? value / largest : 0 }));
}

/** Two decimals at most, and no `-0`: short, stable path data. */
function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}
