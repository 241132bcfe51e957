// Local sign-in (local mode only) and sign-out. Entra sign-in lives in login-entra.ts.
import { Hono } from "hono";
import { createSession, invalidateSession } from "../auth/session.js";
import { clearSessionCookie, writeSessionCookie } from "../auth/cookies.js";
import { RateLimiter, rateLimit } from "../auth/rate-limit.js";
import { safeNext } from "../auth/return-path.js";
import type { AppEnv } from "../context.js";
import { findPersonByAddress, hasDirectoryPeople } from "../domain/people.js";
import { LoginPage, type LocalSignIn } from "../../views/login/login-page.js";
import { renderPage } from "../../views/respond.js";

/** What local sign-in can offer: the demo accounts, or (nobody in the directory) how to load one. */
async function localSignIn(deps: AppEnv["Variables"]["deps"]): Promise<LocalSignIn | undefined> {
  if (!deps.config.localMode) return undefined;
  return { demo: deps.config.seedDemo, emptyDirectory: !(await hasDirectoryPeople(deps.db)) };
}

export function loginRoutes() {
  const signInLimit = rateLimit("sign-in", new RateLimiter(20, 0.5));
  return new Hono<AppEnv>()
    .get("/login", async (c) => {
      const next = safeNext(c.req.query("next"), c.get("deps").config.publicUrl);
      if (c.get("session")) return c.redirect(next, 303);
      const deps = c.get("deps");
      return renderPage(c, {
        title: "Sign in",
        body: <LoginPage localMode={deps.config.localMode} local={await localSignIn(deps)} next={next} email={c.req.query("login_hint")?.slice(0, 320)} />,
      });
    })
    .post("/login/local", signInLimit, async (c) => {
      const { db, config } = c.get("deps");
      if (!config.localMode) return c.notFound();
      const form = await c.req.parseBody();
      const email = typeof form.email === "string" ? form.email.slice(0, 320) : "";
      const next = safeNext(form.next, config.publicUrl);
      const person = email.trim() ? await findPersonByAddress(db, email) : undefined;
      const error = !email.trim()
        ? "Enter your work email address."
        : !person
          ? `No one with the address ${email.trim()} is in the directory. Check the spelling${config.seedDemo ? ", or use one of the demo accounts" : ""}.`
          : !person.accountEnabled
            ? "This account is disabled in the directory. Ask your global administrator to enable it."
            : undefined;
      if (error || !person) {
        c.status(422);
        return renderPage(c, {
          title: "Error: Sign in",
          body: <LoginPage localMode local={await localSignIn(c.get("deps"))} next={next} email={email} error={error} />,
        });
      }
      // No fixation: whatever session came in is ended; a fresh token is issued.
      const previous = c.get("session");
      if (previous) await invalidateSession(db, previous.sessionId);
      const { token, expiresAt } = await createSession(
        db,
        { personId: person.id, orgId: person.orgId, roles: person.isAdmin ? ["admin"] : [] },
        { maxHours: config.sessionMaxHours },
      );
      writeSessionCookie(c, config, token, expiresAt);
      return c.redirect(next, 303);
    })
    .post("/logout", async (c) => {
      const { db, config } = c.get("deps");
      const session = c.get("session");
      if (session) await invalidateSession(db, session.sessionId);
      clearSessionCookie(c, config);
      if (c.req.header("HX-Request")) {
        c.header("HX-Redirect", "/login");
        return c.body(null, 204);
      }
      return c.redirect("/login", 303);
    });
}
