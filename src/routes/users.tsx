// GET /users: the Users list. Bad input (unknown status, absurd cursor, huge search) answers 400.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { countListedMembers, isMemberStatus, listMembers } from "../domain/members.js";
import { html } from "hono/html";
import { foundText, StatusFilter, UserResults, UsersPage, usersTitle, type UsersView } from "../../views/users/users-page.js";
import { documentTitle } from "../../views/layout.js";
import { LiveStatusText } from "../../views/components/live-status.js";
import { describeDone } from "../../views/users/user-row-actions.js";
import { listRecentImports } from "../domain/imports.js";
import { RecentImports } from "../../views/imports/recent-imports.js";
import { getLastDirectorySync } from "../domain/directory-sync.js";
import { DirectorySyncPanel } from "../../views/users/directory-sync-panel.js";
import { isFragmentRequest, respond, renderRefusal } from "../../views/respond.js";
import { listQueryProblem } from "./shared/user-list.js";
import { getReminderSetting, remindEveryoneDays } from "../domain/reminders.js";
import { RemindEveryoneLink } from "../../views/users/remind-everyone.js";
import { MailProgress } from "../../views/imports/mail-progress.js";
import { usersPageMailProgress } from "./shared/mail-progress.js";

export function userRoutes() {
  return new Hono<AppEnv>().get("/", requireAdmin, async (c) => {
    const { db, config } = c.get("deps");
    const session = c.get("session")!;
    const status = c.req.query("status") || undefined;
    const q = c.req.query("q") ?? "";
    const after = c.req.query("after") || undefined;
    const problem = listQueryProblem(status, q, after);
    if (problem) {
      return renderRefusal(c, 400, { title: "Users", active: "users", heading: "That list cannot be shown", message: problem });
    }
    const validStatus = isMemberStatus(status) ? status : undefined;
    const orgId = session.org.id;
    const [counts, page] = await Promise.all([countListedMembers(db, orgId, q), listMembers(db, orgId, { status: validStatus, q, after })]);
    const view: UsersView = {
      status: validStatus,
      q,
      after,
      counts,
      page,
      flash: describeDone(c.req.query("done")),
      pageNumber: pageNumberOf(after, c.req.query("page")),
    };
    // The search as you type swaps the results; the tabs' counts (of the matches) come along, the
    // title follows the view and the page's status says how many were found.
    if (isFragmentRequest(c)) {
      return respond(c, {
        title: "Users",
        page: () => null,
        fragment: () => (
          <>
            <UserResults {...view} />
            {filterPartial(view)}
            <LiveStatusText text={foundText(view)} />
            {html`<title>${documentTitle(usersTitle(view))}</title>`}
          </>
        ),
      });
    }
    // The full page also shows recent imports, the latest one's invitation emails and, with Entra, the directory sync.
    const [recentImports, lastSync, reminders] = await Promise.all([
      listRecentImports(db, orgId),
      config.entra ? getLastDirectorySync(db, orgId) : null,
      validStatus === "invited" ? getReminderSetting(db, orgId) : null,
    ]);
    const mail = await usersPageMailProgress(c, recentImports);
    view.sections = (
      <>
        {config.entra && <DirectorySyncPanel last={lastSync} />}
        <MailProgress view={mail} />
        <RecentImports imports={recentImports} />
      </>
    );
    if (reminders) view.listActions = <RemindEveryoneLink days={reminders.requested?.days ?? remindEveryoneDays(reminders)} />;
    return respond(c, { title: usersTitle(view), active: "users", page: () => <UsersPage {...view} />, fragment: () => <UserResults {...view} /> });
  });
}

/** The page number the Next page link carries (`page`), for the title; 2 for a cursor without it. */
function pageNumberOf(after: string | undefined, page: string | undefined): number {
  if (!after) return 1;
  const n = /^\d{1,6}$/.test(page ?? "") ? Number(page) : 2;
  return Math.max(2, n);
}

const filterPartial = (view: UsersView) => (
  <hx-partial hx-target="#status-filter" hx-swap="outerHTML">
    <StatusFilter status={view.status} q={view.q} counts={view.counts} />
  </hx-partial>
);
