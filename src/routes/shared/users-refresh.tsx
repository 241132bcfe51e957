// The Users list behind a dialog (Invite User, Bulk upload), brought up to date when what the
// dialog did changed it: the rows, the tabs' counts and, for uploads, the recent uploads, as htmx
// partials. Only for an htmx request from the Users page (HX-Current-URL): elsewhere there is no
// list behind to refresh.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../context.js";
import { listRecentImports } from "../../domain/imports.js";
import { countListedMembers, listMembers } from "../../domain/members.js";
import { RecentImports } from "../../../views/imports/recent-imports.js";
import { StatusFilter, UserResults } from "../../../views/users/users-page.js";
import { isFragmentRequest } from "../../../views/respond.js";
import { currentListOf } from "./user-list.js";

export async function usersListPartials(c: Context<AppEnv>, options: { recentImports?: boolean } = {}): Promise<Child> {
  if (!isFragmentRequest(c)) return null;
  const list = currentListOf(c);
  if (!list.onUsersPage) return null;
  const { db } = c.get("deps");
  const orgId = c.get("session")!.org.id;
  const [counts, page, recent] = await Promise.all([
    countListedMembers(db, orgId, list.q),
    listMembers(db, orgId, list),
    options.recentImports ? listRecentImports(db, orgId) : null,
  ]);
  return (
    <>
      <hx-partial hx-target="#user-results" hx-swap="outerHTML">
        <UserResults status={list.status} q={list.q} after={list.after} counts={counts} page={page} />
      </hx-partial>
      <hx-partial hx-target="#status-filter" hx-swap="outerHTML">
        <StatusFilter status={list.status} q={list.q} counts={counts} />
      </hx-partial>
      {recent && (
        <hx-partial hx-target="#recent-imports" hx-swap="outerHTML">
          <RecentImports imports={recent} />
        </hx-partial>
      )}
    </>
  );
}
