/**
 * Arrow-key movement through a list of links or buttons (the users list, the thumbnail grid): which index the focus
 * moves to for a key, or `null` when the key is not one the list handles, so the browser keeps its default.
 */
export function nextIndex(current: number, key: string, count: number, columns = 1): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const from = Math.min(Math.max(current, 0), last);
  switch (key) {
    case "ArrowDown":
      return Math.min(last, current < 0 ? 0 : from + columns);
    case "ArrowUp":
      return Math.max(0, current < 0 ? 0 : from - columns);
    case "ArrowRight":
      return columns > 1 ? Math.min(last, from + 1) : null;
    case "ArrowLeft":
      return columns > 1 ? Math.max(0, from - 1) : null;
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}
