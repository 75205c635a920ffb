/**
 * The API token, kept in sessionStorage only so it never outlives the browser tab.
 * Components subscribe to it through `useSyncExternalStore` (see hooks/useAuth.ts).
 */

const STORAGE_KEY = "mediabatch.apiToken";

type Listener = () => void;

interface AuthState {
  token: string | null;
  /** True when the server answered 401 to the current token (or to no token). */
  rejected: boolean;
}

let state: AuthState = { token: readStoredToken(), rejected: false };
const listeners = new Set<Listener>();

function readStoredToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (privacy mode); the token then lives in memory only.
    return null;
  }
}

function publish(next: AuthState): void {
  if (next.token === state.token && next.rejected === state.rejected) return;
  state = next;
  listeners.forEach((listener) => listener());
}

export const tokenStore = {
  getState(): AuthState {
    return state;
  },

  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  setToken(token: string): void {
    const trimmed = token.trim();
    try {
      if (trimmed) window.sessionStorage.setItem(STORAGE_KEY, trimmed);
      else window.sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // See readStoredToken.
    }
    publish({ token: trimmed || null, rejected: false });
  },

  /** Called when the server answered 401 with the token that was sent. */
  markRejected(sentToken: string | null): void {
    // A 401 for a token that has already been replaced says nothing about the new one.
    if (sentToken !== state.token) return;
    publish({ token: state.token, rejected: true });
  },
};
