// GET /imports: every upload of the organization, newest first, with where each stands; the
// Users page lists only the last five. An upload that was checked but not sent says so and links
// to its page, where Send Invite is.
import type { ImportView } from "../../src/domain/imports.js";
import { TimeAgo } from "../components/format.js";
import { DataTable } from "../components/table.js";
import { importLabels, progressOf } from "./recent-imports.js";
import { BackToUsers } from "../components/dialog-or-page.js";

const waitingToSend = (view: ImportView) => view.status === "ready" && !view.sendRequested && view.readyCount > 0;

export function ImportsPage(props: { imports: ImportView[]; next: string | null; paged: boolean }) {
  return (
    <div class="imports-page">
      <BackToUsers />
      <div class="page-head">
        <h1>Bulk uploads</h1>
        <div class="actions">
          <a class="button-link" href="/imports/new">
            Bulk upload users
          </a>
        </div>
      </div>
      {props.imports.length === 0 ? (
        <p class="empty">{props.paged ? "No older uploads." : "No files have been uploaded yet."}</p>
      ) : (
        <DataTable class="imports" columns={["File", "Uploaded", "State", "Rows"]}>
          <tbody>
            {props.imports.map((view) => (
              <tr>
                <td>
                  <a href={`/imports/${view.id}`} class="file-name">
                    {view.fileName}
                  </a>
                </td>
                <td>
                  <TimeAgo date={view.createdAt} />
                </td>
                <td>
                  <span class={`badge badge-import-${view.status}`}>{importLabels[view.status]}</span>
                  {waitingToSend(view) && (
                    <>
                      {" "}
                      <a href={`/imports/${view.id}`} class="not-sent">
                        Not sent yet: open to Send Invite
                      </a>
                    </>
                  )}
                </td>
                <td class="muted">{progressOf(view)}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
      {(props.paged || props.next) && (
        <nav class="pager" aria-label="Pages">
          {props.paged && <a href="/imports">← Newest uploads</a>}
          {props.next && (
            <a href={`/imports?before=${props.next}`} rel="next">
              Older uploads →
            </a>
          )}
        </nav>
      )}
    </div>
  );
}
