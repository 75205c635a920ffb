import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api } from "../api/client";
import { printable } from "../api/exports";
import type { ExportUserList, ExportUserSummary, JobStatus } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { formatBytes, formatCount } from "../format";
import { useApiResource } from "../hooks/useApiResource";
import { useDebouncedValue } from "../hooks/useDebouncedValue";
import { nextIndex } from "../listKeys";
import { routeHash } from "../routing";
import "../styles/button.css";
import "../styles/card.css";
import "../styles/pager.css";
import "./UsersView.css";

export const USERS_PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

/** Where the list is: the search it pages through, and the cursor of each page up to the one on screen. */
export interface UsersPaging {
  query: string;
  /** cursors[i] opens page i; the first page has none. */
  cursors: (string | undefined)[];
}

interface UsersViewProps {
  /** The search in the address (`#/users?q=…`). */
  query: string;
  onQueryChange: (query: string) => void;
  paging: UsersPaging;
  onPagingChange: (paging: UsersPaging) => void;
  /** The current job's state: the page is fetched again when it changes, as a job changes what is exported. */
  jobStatus: JobStatus;
  /** The user whose page was open last, focused again on the way back. */
  focusUserId: string | null;
  enabled: boolean;
}

/** Every exported user, searched by id or email and paged; each row opens the user's page. */
export function UsersView({ query, onQueryChange, paging, onPagingChange, jobStatus, focusUserId, enabled }: UsersViewProps) {
  const [text, setText] = useState(query);
  const settled = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const sent = useRef(query);
  const listRef = useRef<HTMLUListElement>(null);

  // The search box follows the address when it changes from outside (Back, a link), not while it is typed into.
  useEffect(() => {
    if (query !== sent.current) {
      sent.current = query;
      setText(query);
    }
  }, [query]);

  useEffect(() => {
    if (settled !== sent.current) {
      sent.current = settled;
      onQueryChange(settled);
    }
  }, [settled, onQueryChange]);

  const cursors = paging.query === query ? paging.cursors : [undefined];
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const { data, error, loading, reload } = useApiResource<ExportUserList>(
    (signal) => api.exportUsers({ q: query || undefined, limit: USERS_PAGE_SIZE, cursor }, signal),
    `${query}|${cursor ?? ""}|${jobStatus}`,
    enabled,
  );
  const users = data?.users ?? [];

  // Back from a user's page, the focus returns to that user's row once the list is there.
  // Otherwise the heading takes it, as on any page the navigation opens.
  const refocus = useRef(focusUserId);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!refocus.current) heading.current?.focus();
  }, []);
  useEffect(() => {
    const userId = refocus.current;
    if (!userId || !data) return;
    refocus.current = null;
    listRef.current?.querySelector<HTMLAnchorElement>(`a[data-user-id="${CSS.escape(userId)}"]`)?.focus();
  }, [data]);

  const rowLinks = () => Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>("a.user-row") ?? []);
  const onListKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const links = rowLinks();
    const target = nextIndex(links.indexOf(document.activeElement as HTMLAnchorElement), event.key, links.length);
    if (target === null) return;
    event.preventDefault();
    links[target].focus();
  };
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "ArrowDown") return;
    const first = rowLinks()[0];
    if (first) {
      event.preventDefault();
      first.focus();
    }
  };
  const goTo = (next: (string | undefined)[]) => onPagingChange({ query, cursors: next });

  return (
    <section className="card" data-testid="users-panel" id="users" aria-labelledby="users-title">
      <div className="card-head">
        <h2 id="users-title" ref={heading} tabIndex={-1}>
          Exported users
        </h2>
        <button type="button" className="button button-small" onClick={reload} disabled={loading || !enabled} data-testid="users-refresh">
          Refresh
        </button>
      </div>

      <form className="users-search" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="users-search-input">Search by email or user id</label>
        <input
          id="users-search-input"
          data-testid="users-search"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onSearchKey}
          placeholder="e.g. ada or example.org"
          autoComplete="off"
          spellCheck={false}
          aria-controls="users-list"
        />
      </form>

      <p className="muted users-status" aria-live="polite" data-testid="users-summary">
        {summaryText(data, query, page, loading)}
        {loading && <span className="loading-dot" aria-hidden="true" />}
      </p>

      {error && !error.isUnauthorized && (
        <p className="form-error" role="alert" data-testid="users-error">
          Users could not be loaded: {error.message}
        </p>
      )}

      {users.length > 0 && (
        <ul className="users-list" id="users-list" ref={listRef} onKeyDown={onListKey} data-testid="users-list" aria-label="Users">
          {users.map((user) => (
            <UserRow key={user.user_id} user={user} />
          ))}
        </ul>
      )}
      {data && users.length === 0 && (
        <p className="muted empty" data-testid="users-empty">
          {query ? `No exported user matches “${query}”.` : "No user has been exported yet: start a job on the Job page."}
        </p>
      )}

      <div className="pager">
        <button
          type="button"
          className="button button-small"
          data-testid="users-prev"
          disabled={page === 0 || loading}
          onClick={() => goTo(cursors.slice(0, -1))}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="users-next"
          disabled={!data?.next_cursor || loading}
          onClick={() => data?.next_cursor && goTo([...cursors, data.next_cursor])}
        >
          Next →
        </button>
      </div>
    </section>
  );
}

function summaryText(data: ExportUserList | null, query: string, page: number, loading: boolean): string {
  if (!data) return loading ? "Loading users…" : "";
  const shown = `${formatCount(data.users.length)} ${data.users.length === 1 ? "user" : "users"}`;
  return `Page ${formatCount(page + 1)}: ${shown}${query ? ` matching “${query}”` : ""}${data.next_cursor ? ", more on the next page" : ""}.`;
}

function UserRow({ user }: { user: ExportUserSummary }) {
  return (
    <li>
      <a
        className="user-row"
        href={routeHash({ page: "user", userId: user.user_id })}
        data-testid="user-row"
        data-user-id={user.user_id}
        data-status={user.status}
      >
        <span className="user-row-name">
          <span className="user-row-email">{printable(user.email || user.user_id)}</span>
          {user.email && <span className="user-row-id mono muted">{printable(user.user_id)}</span>}
        </span>
        <StatusBadge status={user.status} />
        <span className="user-row-figures">
          <span data-testid="user-row-files" data-value={user.files_exported}>
            {formatCount(user.files_exported)} {user.files_exported === 1 ? "file" : "files"}
          </span>
          {user.files_failed > 0 && (
            <span className="text-danger" data-testid="user-row-failed" data-value={user.files_failed}>
              {formatCount(user.files_failed)} failed
            </span>
          )}
          <span data-testid="user-row-bytes" data-value={user.bytes}>
            {formatBytes(user.bytes)}
          </span>
        </span>
      </a>
    </li>
  );
}
