// Around the row actions (user-row.ts draws the buttons): the Archive confirmation, bulk archive,
// and what an action answers besides the row: fresh counts and a message.
import type { MemberStatus } from "../../src/db/schema.js";
import type { MemberCounts } from "../../src/domain/member-counts.js";
import type { MemberRow } from "../../src/domain/members.js";
import { LiveStatusText } from "../components/live-status.js";
import { listQuery, StatusFilter, usersHref, type UserList } from "./users-page.js";
import { SwapForm } from "../components/swap-form.js";
import { DialogTitle } from "../components/dialog-or-page.js";

/** The list a plain form post returns to, as the hidden `list` field. */
function ListField(props: { list: UserList }) {
  const value = listQuery(props.list);
  return value ? <input type="hidden" name="list" value={value} /> : null;
}

/** "Archive X?": the dialog's content (htmx) and, without JavaScript, a page of its own (`page`:
 *  its heading is the h1, and Cancel is a link back to the list; in the dialog Cancel closes it). */
export function ArchiveConfirm(props: { row: MemberRow; list: UserList; page?: boolean }) {
  const { row } = props;
  const who = row.name || row.email;
  return (
    <section class="confirm" aria-labelledby="archive-title">
      <DialogTitle page={props.page} id="archive-title">
        Archive {who}?
      </DialogTitle>
      <p id="archive-description" data-dialog-description>
        {row.email} will lose access to MileIQ for your organization{row.status === "invited" ? " and their invitation link will stop working" : ""}. They will
        get an email saying so. You can invite them again later.
      </p>
      <SwapForm action={`/users/${row.id}/archive`} target={`#member-${row.id}`} data-close-dialog-after hx-disable="find button">
        <ListField list={props.list} />
        <div class="dialog-actions">
          <button type="submit" class="danger">
            Archive
          </button>
          {props.page ? (
            <a href={usersHref(props.list)} class="button-link secondary">
              Cancel
            </a>
          ) : (
            <button type="button" class="secondary" data-close-dialog>
              Cancel
            </button>
          )}
        </div>
      </SwapForm>
    </section>
  );
}

/** Without JavaScript: "Archive 3 users?" with their names, and the form that confirms. */
export function BulkArchiveConfirm(props: { rows: MemberRow[]; list: UserList }) {
  const n = props.rows.length;
  return (
    <section class="confirm" aria-labelledby="bulk-archive-title">
      <h1 id="bulk-archive-title">
        Archive {n} {n === 1 ? "user" : "users"}?
      </h1>
      <p>They will lose access to MileIQ for your organization, open invitation links stop working, and each gets an email saying so.</p>
      <ul>
        {props.rows.map((r) => (
          <li>
            {r.name || r.email} <span class="muted">{r.email}</span>
          </li>
        ))}
      </ul>
      <form method="post" action="/users/archive">
        {props.rows.map((r) => (
          <input type="hidden" name="id" value={r.id} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <ListField list={props.list} />
        <div class="dialog-actions">
          <button type="submit" class="danger">
            Archive {n} {n === 1 ? "user" : "users"}
          </button>
          <a href={usersHref(props.list)} class="button-link secondary">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}

/** What an htmx row action answers besides the rows: fresh counts, the message above them (to
 *  see), and the same words in the page's status (to hear: the visible one is re-created). */
export function RowActionFeedback(props: { counts: MemberCounts; status: MemberStatus | undefined; q: string; message: string; problem?: boolean }) {
  return (
    <>
      <hx-partial hx-target="#row-action-flash" hx-swap="delete"></hx-partial>
      <hx-partial hx-target="#status-filter" hx-swap="outerHTML">
        <div id="row-action-flash" class={props.problem ? "flash error" : "flash"}>
          {props.message}
        </div>
        <StatusFilter status={props.status} q={props.q} counts={props.counts} />
      </hx-partial>
      <LiveStatusText text={props.message} />
    </>
  );
}

/** Rows replaced in place (bulk archive): one partial per row. */
export function RowPartials(props: { rows: MemberRow[]; render: (row: MemberRow) => unknown }) {
  return (
    <>
      {props.rows.map((row) => (
        <hx-partial hx-target={`#member-${row.id}`} hx-swap="outerHTML">
          {props.render(row)}
        </hx-partial>
      ))}
    </>
  );
}

const doneMessages: Record<string, (n: number) => string> = {
  archived: (n) => `${n} ${n === 1 ? "user" : "users"} archived.`,
  resent: () => "Invitation sent again.",
  relinked: () => "A new invitation link was sent (there was no earlier email to send again).",
  reinvited: () => "Invited again.",
  limit: (n) => `That invitation was already sent again ${n === 1 ? "once" : `${n} times`} today. You can send it again tomorrow (UTC).`,
  none: () => "Select the users to archive first.",
  reminding: (n) => `Reminders are on their way to ${n} ${n === 1 ? "person" : "people"}. The activity log says how many were reminded once they are all sent.`,
  "reminding-already": () => "The reminders asked for earlier are still being sent.",
};

/** The flash after a plain form post: `?done=archived:3` and the like (numbers only, never user text). */
export function describeDone(done: string | undefined): string | undefined {
  const match = /^([a-z-]+):(\d{1,6})$/.exec(done ?? "");
  // Own keys only: "constructor" and friends come from Object.prototype, not from us.
  const message = match && Object.hasOwn(doneMessages, match[1]!) ? doneMessages[match[1]!] : undefined;
  return match && message ? message(Number(match[2])) : undefined;
}
