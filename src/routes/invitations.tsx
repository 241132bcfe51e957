// POST /invitations (form field `email`, repeated): invite those people. htmx gets the result in
// the dialog plus the refreshed Users list behind it; a plain form post gets 303 to
// /invitations/result, which shows it (post/redirect/get: a refresh never invites again).
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { inviteMembers } from "../domain/invitations.js";
import { InviteResult, InviteResultPage } from "../../views/invite/invite-result.js";
import { InvitePage, InviteUser } from "../../views/invite/invite-user.js";
import { isFragmentRequest, renderPage, respond } from "../../views/respond.js";
import { actorOf } from "./shared/actor.js";
import { usersListPartials } from "./shared/users-refresh.js";
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
    const emails = [body.email ?? []].flat().filter((v): v is string => typeof v === "string" && v.trim() !== "");
    const problem = emails.length === 0 ? "Add at least one person to invite."
      : emails.length > MAX_INVITES_PER_REQUEST ? `Invite at most ${MAX_INVITES_PER_REQUEST} people at a time; use Bulk upload users for more.`
      : emails.some((e) => e.length > 320) ? "One of the addresses is too long to be an email address." : undefined;
    if (problem) {
      return respond(c, { title: "Invite User", active: "users", status: 422,
        page: () => <InvitePage q="" search={null} problem={problem} />, fragment: () => <InviteUser q="" search={null} problem={problem} /> });
    }
    const result = await inviteMembers(db, actorOf(c), { emails }, { publicUrl: config.publicUrl });
    if (result.invited > 0) c.get("deps").wake?.("mail");
    if (!isFragmentRequest(c)) {
      writeInviteReceipt(c, result);
      return c.redirect("/invitations/result", 303);
    }

    // The list behind the dialog shows the new Invited rows and counts.
    return c.html(<><InviteResult {...result} />{await usersListPartials(c)}</>);
  });
}
