import { useSyncExternalStore } from "react";
import { tokenStore } from "../api/tokenStore";

/** The current API token and whether the server rejected it. */
export function useAuth() {
  return useSyncExternalStore(tokenStore.subscribe, tokenStore.getState);
}
