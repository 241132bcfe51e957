// Who may ask: signed-out people go to /login (htmx gets HX-Redirect); people without the
// Business Administrator role get a 403 page telling them to ask their global admin.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";
import { clearSessionCookie, readSessionCookie } from "./cookies.js";
import { validateSessionToken } from "./session.js";
import { ForbiddenPage } from "../../views/errors.js";
import { renderPage } from "../../views/respond.js";

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get("session")) return next();
  const url = new URL(c.req.url);
  const nextPath = c.req.method === "GET" ? url.pathname + url.search : "/users";
  const target = `/login?next=${encodeURIComponent(nextPath)}`;
  if (c.req.header("HX-Request")) {
    c.header("HX-Redirect", target);
    return c.body(null, 204);
  }
  return c.redirect(target, 303);
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.get("session");
  if (!session) return requireSession(c, next);
  if (session.isAdmin) return next();
  c.status(403);
  return renderPage(c, { title: "Ask your global admin for access", body: <ForbiddenPage orgName={session.org.name} /> });
});

/** Reads the session cookie once per request; an unknown or expired token clears the cookie.
 *  Whatever answers a signed-in person is not kept by the browser (no-store): after Sign out,
 *  Back must not show an admin page from the cache. Set before the handler, which may say more. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  const { db, config } = c.get("deps");
  const token = readSessionCookie(c, config);
  const session = token ? await validateSessionToken(db, token, { maxHours: config.sessionMaxHours }) : null;
  if (token && !session) clearSessionCookie(c, config);
  if (session) c.header("Cache-Control", "no-store");
  c.set("session", session);
  return next();
});
