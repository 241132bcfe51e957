// GET /login/entra and /login/entra/callback: authorization code + PKCE with Entra ID.
// State, nonce and PKCE verifier live in 10-minute httpOnly cookies scoped to /login/entra;
// any mismatch, provider error or invalid token is a 400 "please start again" page.
// In local mode nothing is mounted here, so both routes answer 404.
import { timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { EntraSignIn, type SignInFinish, type SignInStart } from "../auth/entra.js";
import { writeSessionCookie } from "../auth/cookies.js";
import { RateLimiter, rateLimit } from "../auth/rate-limit.js";
import { safeNext } from "../auth/return-path.js";
import { createSession, invalidateSession } from "../auth/session.js";
import type { AppEnv, Deps } from "../context.js";
import { signInWithEntraIdentity } from "../domain/entra-identity.js";
import { NoOrganizationPage, SignInFailedPage, SignInUnavailablePage } from "../../views/login/entra-pages.js";
import { renderPage } from "../../views/respond.js";

const COOKIE = { state: "entra_state", nonce: "entra_nonce", verifier: "entra_verifier", next: "entra_next" } as const;
const COOKIE_PATH = "/login/entra";

const sameString = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function entraLoginRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { config, db, logger } = deps;
  if (!config.entra) return app;
  const entra = config.entra;
  const signIn = new EntraSignIn(entra, `${config.publicUrl}/login/entra/callback`);
  const secure = config.publicUrl.startsWith("https:");
  const limit = rateLimit("entra-sign-in", new RateLimiter(30, 0.5));

  const failed = (c: Context<AppEnv>, reason: string) => {
    logger.warn({ reqId: c.get("requestId"), reason }, "entra sign-in refused");
    c.status(400);
    return renderPage(c, { title: "Sign-in could not be completed", body: <SignInFailedPage /> });
  };

  app.get("/login/entra", limit, async (c) => {
    let start: SignInStart;
    try {
      const hint = c.req.query("login_hint")?.trim();
      start = await signIn.start({ loginHint: hint && hint.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(hint) ? hint : undefined });
    } catch (error) {
      logger.error({ reqId: c.get("requestId"), err: { message: (error as Error).message } }, "entra discovery failed");
      c.status(502);
      return renderPage(c, { title: "Microsoft sign-in unavailable", body: <SignInUnavailablePage /> });
    }
    const options = { path: COOKIE_PATH, httpOnly: true, sameSite: "Lax" as const, secure, maxAge: 600 };
    setCookie(c, COOKIE.state, start.state, options);
    setCookie(c, COOKIE.nonce, start.nonce, options);
    setCookie(c, COOKIE.verifier, start.codeVerifier, options);
    setCookie(c, COOKIE.next, safeNext(c.req.query("next"), config.publicUrl), options);
    c.header("Cache-Control", "no-store");
    return c.redirect(start.url.toString(), 302);
  });

  app.get("/login/entra/callback", limit, async (c) => {
    const saved = {
      state: getCookie(c, COOKIE.state),
      nonce: getCookie(c, COOKIE.nonce),
      verifier: getCookie(c, COOKIE.verifier),
      next: safeNext(getCookie(c, COOKIE.next), config.publicUrl),
    };
    // One attempt per start: the cookies go whatever happens next.
    for (const name of Object.values(COOKIE)) deleteCookie(c, name, { path: COOKIE_PATH, secure });
    c.header("Cache-Control", "no-store");
    const { code, state, error } = c.req.query();
    if (error) return failed(c, `Entra answered error=${error.slice(0, 100)}`);
    if (!saved.state || !saved.nonce || !saved.verifier) return failed(c, "sign-in cookies missing or expired");
    if (!code || !state || !sameString(state, saved.state)) return failed(c, "state does not match");
    let result: SignInFinish;
    try {
      result = await signIn.finish(code, saved.verifier, saved.nonce);
    } catch (err) {
      return failed(c, `could not finish: ${(err as Error).message}`);
    }
    if (!result.ok) return failed(c, result.reason);

    const outcome = await signInWithEntraIdentity(db, result.identity, { adminRole: entra.adminRole });
    if (!outcome.ok) {
      logger.info({ reqId: c.get("requestId"), tid: result.identity.tenantId }, "entra sign-in without an organization");
      c.status(403);
      return renderPage(c, { title: "Ask your global admin for access", body: <NoOrganizationPage domain={outcome.domain} /> });
    }
    // No fixation: whatever session came in is ended; a fresh token is issued.
    const previous = c.get("session");
    if (previous) await invalidateSession(db, previous.sessionId);
    const { token, expiresAt } = await createSession(
      db,
      { personId: outcome.personId, orgId: outcome.orgId, roles: outcome.roles },
      { maxHours: config.sessionMaxHours },
    );
    writeSessionCookie(c, config, token, expiresAt);
    if (outcome.orgCreated) deps.wake?.("directory");
    logger.info({ reqId: c.get("requestId"), orgId: outcome.orgId, personId: outcome.personId, admin: outcome.roles.includes("admin") }, "entra sign-in");
    return c.redirect(saved.next, 303);
  });

  return app;
}
