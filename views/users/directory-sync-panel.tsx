// The directory's last sync with Entra ID and "Sync now" (Entra mode only). While a sync is
// queued or running the panel polls itself; when it is done it renders without a trigger. The
// panel is not a live region (it is replaced whole): the page's status says when a sync starts
// and ends (directorySyncText); after Sync now focus stays on the panel's sentence.
import type { LastDirectorySync } from "../../src/domain/directory-sync.js";
import { formatNumber, TimeAgo } from "../components/format.js";
import { SwapForm } from "../components/swap-form.js";
import { raw } from "hono/html";

// The ellipsis as an entity: the Users page stays in Latin-1 (see larr in users-page.tsx).
const hellip = raw("&hellip;");

/** What the page's status says when a sync starts, and when the poll finds it done. */
export function directorySyncText(last: LastDirectorySync | null): string {
  const latest = last?.latest;
  if (!latest) return "Directory not synced yet.";
  if (latest.status === "queued" || latest.status === "running") return "Directory sync started.";
  if (latest.status === "failed") return `Directory sync failed: ${latest.message ?? "unknown reason"}.`;
  return `Directory synced: ${formatNumber(latest.added)} added, ${formatNumber(latest.updated)} updated, ${formatNumber(latest.removed)} removed.`;
}

export function DirectorySyncPanel(props: { last: LastDirectorySync | null; message?: string }) {
  const latest = props.last?.latest;
  const busy = latest?.status === "queued" || latest?.status === "running";
  return (
    <section id="directory-sync" class="directory-sync" {...(busy ? { "hx-get": "/directory/sync", "hx-trigger": "every 2s", "hx-swap": "outerHTML" } : {})}>
      <p tabindex={-1} data-focus-after-swap>
        <strong>Directory:</strong>{" "}
        {!latest ? (
          "not synced with Microsoft Entra ID yet."
        ) : busy ? (
          <>
            sync {latest.status === "queued" ? "waiting to start" : "in progress"}
            {hellip}
          </>
        ) : latest.status === "failed" ? (
          <span class="problem-text">last sync failed: {latest.message ?? "unknown reason"}.</span>
        ) : (
          <>
            synced <TimeAgo date={latest.finishedAt} />: {formatNumber(latest.added)} added, {formatNumber(latest.updated)} updated,{" "}
            {formatNumber(latest.removed)} removed.
          </>
        )}
        {props.last?.lastSucceededAt && latest?.status !== "succeeded" && (
          <>
            {" "}
            Last good sync <TimeAgo date={props.last.lastSucceededAt} />.
          </>
        )}
        {props.message && <> {props.message}</>}
      </p>
      {!busy && (
        <SwapForm action="/directory/sync" target="#directory-sync">
          <button type="submit" class="secondary small">
            Sync now
          </button>
        </SwapForm>
      )}
    </section>
  );
}
