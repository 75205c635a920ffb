import { useEffect, useRef, useState } from "react";
import { printable } from "./api/exports";
import { EMPTY_SNAPSHOT } from "./api/snapshot";
import type { JobStatus, StatusSnapshot } from "./api/types";
import { ConnectionBanner, ConnectionIndicator } from "./components/ConnectionBanner";
import { TokenPrompt } from "./components/TokenPrompt";
import { useAuth } from "./hooks/useAuth";
import { useHashRoute } from "./hooks/useHashRoute";
import { useLiveStatus } from "./hooks/useLiveStatus";
import { useThroughput } from "./hooks/useThroughput";
import { routeHash, sectionOf, type Route } from "./routing";
import { isRunning } from "./statuses";
import { JobView } from "./views/JobView";
import { NotFoundView } from "./views/NotFoundView";
import { UserPage } from "./views/UserPage";
import { UsersView, type UsersPaging } from "./views/UsersView";
import "./styles/card.css";
import "./BatchProcessor.css";

/** The state the page shows right after Start or Stop, until the server's next snapshot. */
interface Optimistic {
  status: JobStatus;
  jobId: string | null;
  /** `LiveStatus.updates` when it was set: any later snapshot replaces it. */
  atUpdate: number;
}

/**
 * The dashboard: the header and its navigation, and the page the URL's hash names (routing.ts): the current job,
 * the exported users, or one user's media. The job is followed live whichever page shows, so its charts keep
 * filling and a user page knows when a job runs.
 */
export function BatchProcessor() {
  const auth = useAuth();
  const live = useLiveStatus(auth.token, !auth.rejected);
  const snapshot: StatusSnapshot = live.snapshot ?? EMPTY_SNAPSHOT;
  const throughput = useThroughput(live.snapshot);
  const { route, replace } = useHashRoute();
  const [optimistic, setOptimistic] = useState<Optimistic | null>(null);
  // The users list keeps its search and page while a user's page is open, so Back to the list lands where it was.
  const [paging, setPaging] = useState<UsersPaging>({ query: "", cursors: [undefined] });
  const [usersQuery, setUsersQuery] = useState("");
  const [lastUserId, setLastUserId] = useState<string | null>(null);

  useEffect(() => {
    if (optimistic && live.updates !== optimistic.atUpdate) setOptimistic(null);
  }, [live.updates, optimistic]);

  // Back on the job page from another, the focus goes to its heading (the other pages place it themselves).
  const shownPage = useRef(route.page);
  useEffect(() => {
    if (route.page === "job" && shownPage.current !== "job") document.getElementById("job-title")?.focus();
    shownPage.current = route.page;
  }, [route.page]);

  useEffect(() => {
    if (route.page === "user") setLastUserId(route.userId);
    if (route.page === "users") setUsersQuery(route.query);
  }, [route]);

  const status = optimistic?.status ?? snapshot.status;
  const jobId = optimistic?.jobId ?? snapshot.job_id;
  // Right after Start, the last snapshot still describes the previous job: show the new one from zero.
  const shown: StatusSnapshot =
    jobId === snapshot.job_id
      ? { ...snapshot, status }
      : { ...EMPTY_SNAPSHOT, source: snapshot.source, job_id: jobId, status };
  const reachable = live.mode !== "offline" && live.snapshot !== null;
  const enabled = !auth.rejected;
  const onStatusChange = (next: JobStatus, nextJobId: string | null) =>
    setOptimistic({ status: next, jobId: nextJobId ?? jobId, atUpdate: live.updates });

  const title = documentTitle(route, status, shown);
  useEffect(() => {
    document.title = title;
  }, [title]);

  const section = sectionOf(route);
  const usersHash = routeHash({ page: "users", query: usersQuery });

  const page = () => {
    switch (route.page) {
      case "job":
        return (
          <JobView
            shown={shown}
            status={status}
            jobId={jobId}
            reachable={reachable}
            enabled={enabled}
            throughput={throughput}
            onStatusChange={onStatusChange}
          />
        );
      case "users":
        return (
          <UsersView
            query={route.query}
            onQueryChange={(query) => replace({ page: "users", query })}
            paging={paging}
            onPagingChange={setPaging}
            jobStatus={status}
            focusUserId={lastUserId}
            enabled={enabled}
          />
        );
      case "user":
        return (
          <UserPage
            userId={route.userId}
            backHref={usersHash}
            jobStatus={status}
            canStart={reachable && !isRunning(status)}
            enabled={enabled}
            onJobStarted={(nextJobId) => onStatusChange("processing", nextJobId)}
          />
        );
      case "notFound":
        return <NotFoundView />;
    }
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="3" y="4" width="18" height="4" rx="1.5" />
            <rect x="3" y="10" width="18" height="4" rx="1.5" opacity="0.7" />
            <rect x="3" y="16" width="18" height="4" rx="1.5" opacity="0.45" />
          </svg>
          <div>
            <h1>MediaBatch</h1>
            <p className="muted source" data-testid="source-description">
              {snapshot.source?.description ?? "Export of users' media to a local folder"}
            </p>
          </div>
        </div>
        <div className="header-side">
          <ConnectionIndicator mode={live.mode} locked={auth.rejected} />
        </div>
      </header>

      <nav className="app-nav" aria-label="Dashboard">
        <a href="#/" className="nav-link" aria-current={section === "job" ? "page" : undefined} data-testid="nav-job">
          Job
          {isRunning(status) && (
            <>
              <span className="nav-live" aria-hidden="true" />
              <span className="visually-hidden"> (running)</span>
            </>
          )}
        </a>
        <a href={usersHash} className="nav-link" aria-current={section === "users" ? "page" : undefined} data-testid="nav-users">
          Users
        </a>
      </nav>

      {!auth.rejected && <ConnectionBanner mode={live.mode} lastUpdateAt={live.lastUpdateAt} />}

      <main className={route.page === "job" ? "layout" : "layout layout-single"}>
        {auth.rejected ? <TokenPrompt hadToken={auth.token !== null} /> : page()}
      </main>
    </div>
  );
}

function documentTitle(route: Route, status: JobStatus, shown: StatusSnapshot): string {
  const progress = isRunning(status) ? ` · ${percentText(shown)}` : "";
  switch (route.page) {
    case "users":
      return `Users · MediaBatch${progress}`;
    case "user":
      return `${printable(route.userId)} · MediaBatch${progress}`;
    default:
      return `MediaBatch${progress}`;
  }
}

function percentText(snapshot: { processed_files: number; total_files: number }): string {
  if (snapshot.total_files <= 0) return "starting";
  return `${Math.floor((snapshot.processed_files / snapshot.total_files) * 100)}%`;
}
