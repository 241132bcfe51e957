// POST /invitations (form fields `email` and `group`, repeated): invite those people and the
// people of those groups. htmx gets the result in the dialog plus the refreshed Users list behind
// it; a plain form post gets 303 to /invitations/result, which shows it (post/redirect/get: a
// refresh never invites again). A group that is not the organization's answers 404.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { invitePeopleAndGroups, MAX_GROUPS_PER_REQUEST } from "../domain/group-invitations.js";
import { InviteResult, InviteResultPage } from "../../views/invite/invite-result.js";
import { InvitePage, InviteUser } from "../../views/invite/invite-user.js";
import { isFragmentRequest, renderPage, respond } from "../../views/respond.js";
import { actorOf } from "./shared/actor.js";
import { usersListPartials } from "./shared/users-refresh.js";
import { currentListOf } from "./shared/user-list.js";
import { readInviteReceipt, writeInviteReceipt } from "./shared/invite-receipt.js";

export const MAX_INVITES_PER_REQUEST = 500;

export function invitationRoutes() {
  return new Hono<AppEnv>()
    .get("/result", requireAdmin, (c) => {
      const receipt = readInviteReceipt(c);
      if (!receipt) return c.redirect("/users/invite", 303);
      return renderPage(c, { title: "Invite User", active: "users", body: <InviteResultPage {...receipt} /> });
    })
    .post("/", requireAdmin, async (c) => {
      const { db, config } = c.get("deps");
      const body = await c.req.parseBody({ all: true });
      const fields = (name: string) => [body[name] ?? []].flat().filter((v): v is string => typeof v === "string" && v.trim() !== "");
      const emails = fields("email");
      const groupIds = fields("group").map((g) => g.trim());
      const problem =
        emails.length === 0 && groupIds.length === 0
          ? "Add at least one person to invite."
          : emails.length > MAX_INVITES_PER_REQUEST
            ? `Invite at most ${MAX_INVITES_PER_REQUEST} people at a time; use Bulk upload users for more.`
            : groupIds.length > MAX_GROUPS_PER_REQUEST
              ? `Invite at most ${MAX_GROUPS_PER_REQUEST} groups at a time.`
              : emails.some((e) => e.length > 320)
                ? "One of the addresses is too long to be an email address."
                : undefined;
      // On a page of its own (not the Users page's dialog) the answer's heading stays the page's h1.
      const page = !currentListOf(c).onUsersPage;
      const refuse = (status: 404 | 422, message: string) =>
        respond(c, {
          title: "Error: Invite User",
          active: "users",
          status,
          page: () => <InvitePage q="" search={null} problem={message} />,
          fragment: () => <InviteUser q="" search={null} problem={message} page={page} />,
        });
      if (problem) return refuse(422, problem);
      const outcome = await invitePeopleAndGroups(db, actorOf(c), { emails, groupIds }, { publicUrl: config.publicUrl });
      if (!outcome.ok)
        return refuse(404, "A group you chose is not in your organization's directory (it may have been deleted): search for it again. No one was invited.");
      const result = outcome.result;
      if (result.invited > 0) c.get("deps").wake?.("mail");
      if (!isFragmentRequest(c)) {
        writeInviteReceipt(c, result);
        return c.redirect("/invitations/result", 303);
      }

      // The list behind the dialog shows the new Invited rows and counts.
      return c.html(
        <>
          <InviteResult {...result} page={page} />
          {await usersListPartials(c)}
        </>,
      );
    });
}
