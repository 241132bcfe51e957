// CSRF: every state-changing request must come from our own origin. Browsers send Origin on
// every POST; we accept it when it equals PUBLIC_URL's origin or the origin the request was
// addressed to, and refuse a missing or foreign one. (Hono's csrf() skips requests without a
// form content type; this check has no such gap.) Webhooks carry a signature instead.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export const verifyOrigin = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE.has(c.req.method) || c.req.path.startsWith("/webhooks/")) return next();
  const header = c.req.header("Origin");
  const origin = header && header !== "null" ? header : refererOrigin(c.req.header("Referer"));
  const allowed = [new URL(c.get("deps").config.publicUrl).origin, new URL(c.req.url).origin];
  if (origin && allowed.includes(origin)) return next();
  // Pages sent with Referrer-Policy: no-referrer (the join pages) make browsers send
  // "Origin: null"; Sec-Fetch-Site, which that policy does not touch, still proves same-origin.
  if (!origin && c.req.header("Sec-Fetch-Site") === "same-origin") return next();
  return c.text("This request did not come from the admin center's own pages (cross-site request refused). Reload the page and try again.", 403);
});

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
