// The Users page's row actions (mounted under /users next to the list): resend, archive (with its
// confirmation), invite again, archive the selected rows, and the Invite User dialog. htmx gets
// the updated rows plus fresh counts; a plain form post gets 303 back to the list with a message.
import { Hono, type Context } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { searchDirectory } from "../domain/directory-search.js";
import { resendInvitation } from "../domain/invitations-resend.js";
import { archiveMembers, MAX_ARCHIVE_BATCH, reinviteMember } from "../domain/member-archive.js";
import { findMemberRow, findMemberRows } from "../domain/member-rows.js";
import { countListedMembers, type MemberRow } from "../domain/members.js";
import { InvitePage, InviteUser } from "../../views/invite/invite-user.js";
import { ArchiveConfirm, BulkArchiveConfirm, RowActionFeedback, RowPartials } from "../../views/users/user-row-actions.js";
import { UserRow } from "../../views/users/user-row.js";
import { listQuery, usersHref } from "../../views/users/users-page.js";
import { isFragmentRequest, renderNotFound, renderPage, respond, renderRefusal } from "../../views/respond.js";
import { actorOf } from "./shared/actor.js";
import { currentListOf, listFromField, type ListState } from "./shared/user-list.js";

/** htmx answer of a row action: the rows (in place), fresh counts and a message. */
async function answerRows(c: Context<AppEnv>, input: { rows: MemberRow[]; message: string; problem?: boolean; single: boolean; status?: 200 | 409 | 429 }) {
  const list = currentListOf(c);
  const counts = await countListedMembers(c.get("deps").db, c.get("session")!.org.id, list.q);
  const feedback = <RowActionFeedback counts={counts} status={list.status} q={list.q} message={input.message} problem={input.problem} />;
  c.status(input.status ?? 200);
  const query = listQuery(list);
  if (input.single && input.rows[0])
    return c.html(
      <>
        <UserRow row={input.rows[0]} list={query} />
        {feedback}
      </>,
    );
  return c.html(
    <>
      <RowPartials rows={input.rows} render={(row) => <UserRow row={row} list={query} />} />
      {feedback}
    </>,
  );
}

/** A plain form post's answer: 303 back to the list it came from, saying what happened. */
const backToList = (c: Context<AppEnv>, list: ListState, done: string) => c.redirect(usersHref({ ...list, done }), 303);

/** A refusal page's way back to the list it came from. */
const BackToList = (props: { list: ListState }) => <a href={usersHref(props.list)}>Back to Users</a>;

/** The `list` field of a plain form post (row actions post no other fields). */
async function listOfForm(c: Context<AppEnv>): Promise<ListState> {
  return listFromField((await c.req.parseBody()).list);
}

const nameOf = (row: MemberRow) => row.name || row.email;

export function userActionRoutes() {
  return new Hono<AppEnv>()
    .get("/invite", requireAdmin, async (c) => {
      const q = (c.req.query("q") ?? "").slice(0, 200);
      const search = q.trim() ? await searchDirectory(c.get("deps").db, c.get("session")!.org.id, q) : null;
      return respond(c, {
        title: "Invite User",
        active: "users",
        page: () => <InvitePage q={q} search={search} />,
        fragment: () => <InviteUser q={q} search={null} page={!currentListOf(c).onUsersPage} />,
      });
    })
    .post("/archive", requireAdmin, async (c) => {
      const { db } = c.get("deps");
      const body = await c.req.parseBody({ all: true });
      const ids = [body.id ?? []]
        .flat()
        .filter((v): v is string => typeof v === "string")
        .slice(0, MAX_ARCHIVE_BATCH);
      const list = listFromField(body.list);
      const fragment = isFragmentRequest(c);
      if (ids.length === 0) {
        if (!fragment) return backToList(c, list, "none:0");
        return answerRows(c, { rows: [], message: "Select the users to archive first.", problem: true, single: false, status: 409 });
      }
      if (body.confirm !== "yes") {
        const found = await findMemberRows(db, actorOf(c).orgId, ids);
        if (found.length === 0) return renderNotFound(c);
        const rows = found.filter((r) => r.status !== "archived");
        if (rows.length === 0) return backToList(c, list, "archived:0");
        return renderPage(c, { title: "Archive users", active: "users", body: <BulkArchiveConfirm rows={rows} list={list} /> });
      }
      const result = await archiveMembers(db, actorOf(c), ids);
      if (result.notFound.length === ids.length) return renderNotFound(c);
      if (result.archived.length > 0) c.get("deps").wake?.("mail");
      if (!fragment) return backToList(c, list, `archived:${result.archived.length}`);
      const rows = await findMemberRows(db, actorOf(c).orgId, [...result.archived, ...result.alreadyArchived]);
      const n = result.archived.length;
      return answerRows(c, { rows, message: `${n} ${n === 1 ? "user" : "users"} archived.`, single: false });
    })
    .get("/:id/archive", requireAdmin, async (c) => {
      const row = await findMemberRow(c.get("deps").db, actorOf(c).orgId, c.req.param("id"));
      if (!row) return renderNotFound(c);
      const list = listFromField(c.req.query("list"));
      if (row.status === "archived") {
        return renderRefusal(c, 409, {
          title: "Already archived",
          active: "users",
          heading: `${nameOf(row)} is already archived`,
          message: "Use Invite again on the Users page to give them access again.",
          next: <BackToList list={list} />,
        });
      }
      return respond(c, {
        title: `Archive ${nameOf(row)}?`,
        active: "users",
        page: () => <ArchiveConfirm row={row} list={list} page />,
        fragment: () => <ArchiveConfirm row={row} list={list} />,
      });
    })
    .post("/:id/archive", requireAdmin, async (c) => {
      const { db } = c.get("deps");
      const id = c.req.param("id");
      const result = await archiveMembers(db, actorOf(c), [id]);
      if (result.notFound.length > 0) return renderNotFound(c);
      if (result.archived.length > 0) c.get("deps").wake?.("mail");
      if (!isFragmentRequest(c)) return backToList(c, await listOfForm(c), `archived:${result.archived.length}`);
      const row = (await findMemberRow(db, actorOf(c).orgId, id))!;
      return answerRows(c, {
        rows: [row],
        message: result.archived.length ? `${nameOf(row)} archived.` : `${nameOf(row)} was already archived.`,
        single: true,
      });
    })
    .post("/:id/resend", requireAdmin, async (c) => {
      const { db, config } = c.get("deps");
      const id = c.req.param("id");
      const result = await resendInvitation(db, actorOf(c), id, { publicUrl: config.publicUrl, resendsPerDay: config.resendsPerDay });
      if (!result.ok && result.reason === "not_found") return renderNotFound(c);
      if (result.ok) c.get("deps").wake?.("mail");
      if (!isFragmentRequest(c)) {
        if (result.ok) return backToList(c, await listOfForm(c), `${result.freshLink ? "relinked" : "resent"}:1`);
        if (result.reason === "limit_reached") return backToList(c, await listOfForm(c), `limit:${config.resendsPerDay}`);
        return renderRefusal(c, 409, {
          title: "Not sent",
          active: "users",
          heading: "The invitation was not sent again",
          message: result.message,
          next: <BackToList list={await listOfForm(c)} />,
        });
      }
      const row = (await findMemberRow(db, actorOf(c).orgId, id))!;
      if (!result.ok)
        return answerRows(c, { rows: [row], message: result.message, problem: true, single: true, status: result.reason === "limit_reached" ? 429 : 409 });
      const message = result.freshLink
        ? `A new invitation link was sent to ${row.email}: there was no earlier email to send again.`
        : `Invitation sent again to ${row.email}.`;
      return answerRows(c, { rows: [row], message, single: true });
    })
    .post("/:id/reinvite", requireAdmin, async (c) => {
      const { db, config } = c.get("deps");
      const id = c.req.param("id");
      const result = await reinviteMember(db, actorOf(c), id, { publicUrl: config.publicUrl });
      if (!result.ok && result.reason === "not_found") return renderNotFound(c);
      const invited = result.ok && result.outcome.result === "reinvited";
      if (invited) c.get("deps").wake?.("mail");
      const message = result.ok ? result.outcome.message : result.message;
      if (!isFragmentRequest(c)) {
        if (invited) return backToList(c, await listOfForm(c), "reinvited:1");
        return renderRefusal(c, 409, {
          title: "Not invited",
          active: "users",
          heading: "Not invited again",
          message,
          next: <BackToList list={await listOfForm(c)} />,
        });
      }
      const row = (await findMemberRow(db, actorOf(c).orgId, id))!;
      return answerRows(c, {
        rows: [row],
        message: invited ? `${nameOf(row)} invited again.` : `${nameOf(row)}: ${message}`,
        problem: !invited,
        single: true,
        status: invited ? 200 : 409,
      });
    });
}
