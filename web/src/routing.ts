/**
 * The dashboard's pages and their addresses in the URL's hash, so a page can be bookmarked, shared and reached with
 * Back without the server knowing any of them. Only hashes that start with `#/` are routes; any other hash (an
 * in-page anchor) stays on the job page.
 *
 * | hash | page |
 * |---|---|
 * | (none), `#/` | the current job |
 * | `#/users`, `#/users?q=ada` | the exported users, optionally searched |
 * | `#/users/<id>` | one user's exported media; the id is URL-encoded |
 */

export type Route =
  | { page: "job" }
  | { page: "users"; query: string }
  | { page: "user"; userId: string }
  | { page: "notFound"; hash: string };

export function parseRoute(hash: string): Route {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!raw.startsWith("/")) return { page: "job" };
  const queryStart = raw.indexOf("?");
  const path = queryStart === -1 ? raw : raw.slice(0, queryStart);
  const search = new URLSearchParams(queryStart === -1 ? "" : raw.slice(queryStart + 1));
  const segments = path.split("/").filter((segment) => segment !== "");

  if (segments.length === 0) return { page: "job" };
  if (segments[0] !== "users") return { page: "notFound", hash };
  if (segments.length === 1) return { page: "users", query: search.get("q") ?? "" };
  // An id holding a raw "/" (typed by hand rather than encoded) still names one user.
  const userId = decodeSegment(segments.slice(1).join("/"));
  return userId === null || userId === "" ? { page: "notFound", hash } : { page: "user", userId };
}

/** The hash of a route, `#/…`; `parseRoute(routeHash(route))` gives the route back. */
export function routeHash(route: Route): string {
  switch (route.page) {
    case "job":
      return "#/";
    case "users":
      return route.query ? `#/users?${new URLSearchParams({ q: route.query }).toString()}` : "#/users";
    case "user":
      return `#/users/${encodeURIComponent(route.userId)}`;
    case "notFound":
      return route.hash;
  }
}

/** Which top-level section a route belongs to, for the navigation's `aria-current`. */
export function sectionOf(route: Route): "job" | "users" | null {
  if (route.page === "job") return "job";
  if (route.page === "users" || route.page === "user") return "users";
  return null;
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape (`%E0%A4%A`) names no user.
    return null;
  }
}
