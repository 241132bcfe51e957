// GET /join/:token (the invitation landing page), POST /join/:token (Join), and
// POST /join/:token/switch (sign out, then sign in as the invited account). Rate-limited per
// client; the token is only ever in the path, which the logger masks, and no page of ours
// sends it on in a Referer (noReferrer, mounted in app.ts outside secureHeaders).
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { clearSessionCookie } from "../auth/cookies.js";
import { RateLimiter, rateLimit } from "../auth/rate-limit.js";
import { invalidateSession } from "../auth/session.js";
import type { AppEnv } from "../context.js";
import { acceptInvitationForIdentity, findInvitationByToken, isWellFormedToken, type JoinRefusal } from "../domain/join.js";
import { JoinLandingPage } from "../../views/join/join-landing-page.js";
import { JoinRefusedPage, SentToSomeoneElsePage } from "../../views/join/join-refused-page.js";
import { WelcomePage } from "../../views/join/welcome-page.js";
import { renderPage } from "../../views/respond.js";

/** Runs outside secureHeaders (which would overwrite it): join pages send no Referer anywhere. */
export const noReferrer = createMiddleware(async (c, next) => {
  await next();
  c.res.headers.set("Referrer-Policy", "no-referrer");
});

/** Where Get started goes: the sign-in that comes back to this invitation, hinting the invited address. */
function signInHref(c: Context<AppEnv>, token: string, email: string | null): string {
  const params = new URLSearchParams({ next: `/join/${token}` });
  if (email) params.set("login_hint", email);
  return `${c.get("deps").config.localMode ? "/login" : "/login/entra"}?${params}`;
}

const refusalStatus = { invalid: 404, revoked: 410, accepted: 409, "someone-else": 403 } as const;

/** `accepted` is a plain notice on GET (200), a conflict when someone tries to Join with it (409). */
function renderRefusal(c: Context<AppEnv>, refusal: JoinRefusal, token: string) {
  const session = c.get("session");
  c.status(refusal.status === "accepted" && c.req.method === "GET" ? 200 : refusalStatus[refusal.status]);
  if (refusal.status === "someone-else") {
    const who = session ? `${session.person.displayName} (${session.person.email})` : "another account";
    return renderPage(c, { title: "Invitation sent to someone else", body: <SentToSomeoneElsePage token={token} signedInAs={who} /> });
  }
  return renderPage(c, { title: "Invitation", body: <JoinRefusedPage refusal={refusal} signedIn={session !== null} /> });
}

export function joinRoutes() {
  const limit = rateLimit("join", new RateLimiter(30, 0.5));
  return new Hono<AppEnv>()
    .use("*", limit, async (c, next) => {
      c.header("Cache-Control", "no-store");
      await next();
    })
    .get("/:token", async (c) => {
      const token = c.req.param("token");
      const session = c.get("session");
      const viewer = session ? { personId: session.person.id, orgId: session.org.id } : null;
      const lookup = await findInvitationByToken(c.get("deps").db, token, viewer);
      if (lookup.status === "accepted" && lookup.viewerIsInvitee) {
        return renderPage(c, { title: `Welcome to ${lookup.orgName}`, body: <WelcomePage welcome={lookup.welcome} /> });
      }
      if (lookup.status !== "open") return renderRefusal(c, lookup, token);
      if (lookup.viewerIsInvitee === false) return renderRefusal(c, { status: "someone-else" }, token);
      const href = lookup.viewerIsInvitee ? null : signInHref(c, token, lookup.invitation.email);
      return renderPage(c, {
        title: `Join ${lookup.invitation.orgName}`,
        body: <JoinLandingPage invitation={lookup.invitation} token={token} signInHref={href} />,
      });
    })
    .post("/:token", async (c) => {
      const token = c.req.param("token");
      const { db, logger } = c.get("deps");
      const session = c.get("session");
      if (!isWellFormedToken(token)) return renderRefusal(c, { status: "invalid" }, token);
      // Signed out (or the session ended): back to the landing page, whose Get started signs in.
      if (!session) return c.redirect(`/join/${token}`, 303);
      const result = await acceptInvitationForIdentity(db, { personId: session.person.id, orgId: session.org.id }, token);
      if (!result.ok) {
        logger.info({ reqId: c.get("requestId"), personId: session.person.id, refused: result.refusal.status }, "join refused");
        return renderRefusal(c, result.refusal, token);
      }
      if (!result.alreadyJoined) logger.info({ reqId: c.get("requestId"), orgId: session.org.id, personId: session.person.id }, "member joined");
      return c.redirect(`/join/${token}`, 303);
    })
    .post("/:token/switch", async (c) => {
      const token = c.req.param("token");
      const { db, config } = c.get("deps");
      const session = c.get("session");
      if (session) await invalidateSession(db, session.sessionId);
      clearSessionCookie(c, config);
      if (!isWellFormedToken(token)) return c.redirect("/login", 303);
      const lookup = await findInvitationByToken(db, token);
      return c.redirect(signInHref(c, token, lookup.status === "open" ? lookup.invitation.email : null), 303);
    });
}
