import { useEffect, useRef, type ReactNode } from "react";
import { api } from "../api/client";
import { presentationOf, printable } from "../api/exports";
import type { ExportItem, ExportUserDetail, JobStatus } from "../api/types";
import { FailedItems } from "../components/FailedItems";
import { ItemDetails } from "../components/ItemDetails";
import { OtherFiles } from "../components/OtherFiles";
import { RetryUser } from "../components/RetryUser";
import { StatusBadge } from "../components/StatusBadge";
import { ThumbnailGrid } from "../components/ThumbnailGrid";
import { VoiceClips } from "../components/VoiceClips";
import { formatBytes, formatCount } from "../format";
import { useApiResource } from "../hooks/useApiResource";
import { useAuth } from "../hooks/useAuth";
import "../styles/card.css";
import "./UserPage.css";

interface UserPageProps {
  userId: string;
  /** The users list as it was left. */
  backHref: string;
  /** The current job's state: the page is fetched again when it changes, as a job may export this user again. */
  jobStatus: JobStatus;
  canStart: boolean;
  enabled: boolean;
  onJobStarted: (jobId: string) => void;
}

/** One user's export: who, where and how it went, the images, the voice clips, each item's metadata and errors. */
export function UserPage({ userId, backHref, jobStatus, canStart, enabled, onJobStarted }: UserPageProps) {
  const { token } = useAuth();
  const { data, error, loading } = useApiResource<ExportUserDetail>(
    (signal) => api.exportUser(userId, signal),
    `${userId}|${jobStatus}`,
    enabled,
  );
  const heading = useRef<HTMLHeadingElement>(null);
  // The detail of another user (the one shown before) is not this one's.
  const user = data && data.user_id === userId ? data : null;

  // A new page was opened: bring the focus (and screen readers) to its heading.
  useEffect(() => {
    heading.current?.focus();
  }, [userId, user === null]);

  const back = (
    <a className="back-link" href={backHref} data-testid="back-to-users">
      ← All users
    </a>
  );

  if (error && !error.isUnauthorized) {
    return (
      <section className="card user-card" data-testid="user-page" data-state="error" aria-labelledby="user-title">
        {back}
        <h2 id="user-title" ref={heading} tabIndex={-1}>
          {error.status === 404 ? "No such exported user" : "The user could not be loaded"}
        </h2>
        <p className={error.status === 404 ? "muted" : "form-error"} role="alert" data-testid="user-error">
          {error.status === 404 ? (
            <>
              Nothing has been exported for <span className="mono">{printable(userId)}</span>.
            </>
          ) : (
            error.message
          )}
        </p>
      </section>
    );
  }

  if (!user) {
    return (
      <section className="card user-card" data-testid="user-page" data-state="loading" aria-labelledby="user-title" aria-busy={loading}>
        {back}
        <h2 id="user-title" ref={heading} tabIndex={-1} className="mono">
          {printable(userId)}
        </h2>
        <p className="muted">Loading…</p>
      </section>
    );
  }

  const groups = groupItems(user.items);
  const bytes = user.items.reduce((sum, item) => sum + (item.file_url ? item.size ?? 0 : 0), 0);

  return (
    <>
      <section className="card user-card" data-testid="user-page" data-state="ready" data-user-id={user.user_id} aria-labelledby="user-title">
        {back}
        <div className="card-head user-head">
          <h2 id="user-title" ref={heading} tabIndex={-1} data-testid="user-title">
            {printable(user.email || user.user_id)}
          </h2>
          <StatusBadge status={user.status} testId="user-status" />
        </div>
        <dl className="user-facts">
          <div>
            <dt>User id</dt>
            <dd className="mono" data-testid="user-id">
              {printable(user.user_id)}
            </dd>
          </div>
          <div>
            <dt>Folder</dt>
            <dd className="mono" data-testid="user-folder">
              {printable(user.folder)}
            </dd>
          </div>
          <div>
            <dt>Exported by job</dt>
            <dd className="mono">{user.job_id}</dd>
          </div>
          <div>
            <dt>Files</dt>
            <dd>
              {formatCount(groups.withFile)} on disk, {formatBytes(bytes)}
              {groups.failed.length > 0 && <span className="text-danger">; {formatCount(groups.failed.length)} not exported</span>}
            </dd>
          </div>
        </dl>
        {user.manifest_missing && (
          <p className="form-error" role="alert" data-testid="manifest-missing">
            The manifest in this user&apos;s folder cannot be read (or names another user), so its files are not shown.
            Retrying the user writes it again.
          </p>
        )}
        <RetryUser userId={user.user_id} canStart={canStart} onStarted={onJobStarted} />
      </section>

      {groups.failed.length > 0 && (
        <Section id="user-failed" title="Not exported" count={groups.failed.length}>
          <FailedItems items={groups.failed} />
        </Section>
      )}

      <Section id="user-images" title="Images" count={groups.images.length}>
        {groups.images.length > 0 ? <ThumbnailGrid items={groups.images} token={token} /> : <p className="muted empty">No image on disk.</p>}
      </Section>

      <Section id="user-voices" title="Voice clips" count={groups.clips.length}>
        {groups.clips.length > 0 ? <VoiceClips items={groups.clips} token={token} /> : <p className="muted empty">No voice clip on disk.</p>}
      </Section>

      {groups.others.length > 0 && (
        <Section id="user-files" title="Other files" count={groups.others.length}>
          <OtherFiles items={groups.others} token={token} />
        </Section>
      )}

      <Section id="user-items" title="All items and their metadata" count={user.items.length}>
        {user.items.length > 0 ? <ItemDetails items={user.items} /> : <p className="muted empty">This user has no media.</p>}
      </Section>
    </>
  );
}

function Section({ id, title, count, children }: { id: string; title: string; count: number; children: ReactNode }) {
  return (
    <section className="card" id={id} data-testid={id} aria-labelledby={`${id}-title`}>
      <div className="card-head">
        <h2 id={`${id}-title`}>
          {title} <span className="count">{formatCount(count)}</span>
        </h2>
      </div>
      {children}
    </section>
  );
}

interface ItemGroups {
  images: ExportItem[];
  clips: ExportItem[];
  others: ExportItem[];
  failed: ExportItem[];
  withFile: number;
}

function groupItems(items: readonly ExportItem[]): ItemGroups {
  const groups: ItemGroups = { images: [], clips: [], others: [], failed: [], withFile: 0 };
  for (const item of items) {
    if (item.error || item.status === "failed" || item.status === "cancelled") groups.failed.push(item);
    const presentation = presentationOf(item);
    if (presentation !== "none") groups.withFile += 1;
    if (presentation === "image") groups.images.push(item);
    else if (presentation === "audio") groups.clips.push(item);
    else if (presentation === "video" || presentation === "file") groups.others.push(item);
  }
  return groups;
}
