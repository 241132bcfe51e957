// The Users page's list of recent bulk uploads: file, when, where it stands, each a link to its page.
import type { ImportView } from "../../src/domain/imports.js";
import { formatNumber, plural, TimeAgo } from "../components/format.js";

export const importLabels: Record<ImportView["status"], string> = {
  queued: "Waiting",
  validating: "Checking",
  ready: "Checked",
  sending: "Inviting",
  sent: "Invited",
  failed: "Stopped",
};

export function progressOf(view: ImportView): string {
  if (view.status === "queued" || view.status === "validating") return `${formatNumber(view.processed)} of ${plural(view.total, "row", "rows")} checked`;
  if (view.status === "failed") return "Upload the file again";
  const invited = view.sentCount > 0 ? `${formatNumber(view.sentCount)} invited · ` : "";
  return `${invited}${formatNumber(view.readyCount)} ready, ${formatNumber(view.skippedCount)} skipped, ${plural(view.errorCount, "error", "errors")}`;
}

/** Always in the page (empty when there is nothing), so a refresh after an upload has a place to go. */
export function RecentImports(props: { imports: ImportView[] }) {
  if (props.imports.length === 0) return <div id="recent-imports"></div>;
  return (
    <section id="recent-imports" class="recent-imports" aria-labelledby="recent-imports-title">
      <h2 id="recent-imports-title">
        Recent uploads{" "}
        <a href="/imports" class="all-uploads">
          All uploads
        </a>
      </h2>
      <ul>
        {props.imports.map((view) => (
          <li>
            <a href={`/imports/${view.id}`} class="file-name">
              {view.fileName}
            </a>{" "}
            <span class={`badge badge-import-${view.status}`}>{importLabels[view.status]}</span>{" "}
            <span class="muted">
              {progressOf(view)} · <TimeAgo date={view.createdAt} />
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
