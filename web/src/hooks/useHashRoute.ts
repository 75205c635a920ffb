import { useCallback, useEffect, useState } from "react";
import { parseRoute, routeHash, type Route } from "../routing";

export interface HashRoute {
  route: Route;
  /** Shows `next` in place of the current entry (no new Back step), as typing in a search box does. */
  replace: (next: Route) => void;
}

/** The page the URL's hash names, following Back, Forward and links. */
export function useHashRoute(): HashRoute {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));

  useEffect(() => {
    const follow = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  const replace = useCallback((next: Route) => {
    window.history.replaceState(window.history.state, "", routeHash(next));
    setRoute(next);
  }, []);

  return { route, replace };
}
