// CSRF: every state-changing request must come from our own origin. Browsers send Origin on
// every POST; we accept it when it is one of the admin center's own origins (own-host.ts:
// PUBLIC_URL's, and the loopback ones in local mode), never the origin the request claims to be
// addressed to, and refuse a missing or foreign one. (Hono's csrf() skips requests without a form
// content type; this check has no such gap.) Webhooks carry a signature instead.
import { createMiddleware } from "hono/factory";
import type { Config } from "../config.js";
import type { AppEnv } from "../context.js";
import { ownNames } from "./own-host.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function verifyOrigin(config: Pick<Config, "publicUrl" | "localMode">) {
  const { origins } = ownNames(config);
  return createMiddleware<AppEnv>(async (c, next) => {
    if (SAFE.has(c.req.method) || c.req.path.startsWith("/webhooks/")) return next();
    const header = c.req.header("Origin");
    const origin = header && header !== "null" ? header : refererOrigin(c.req.header("Referer"));
    if (origin && origins.has(origin)) return next();
    // Pages sent with Referrer-Policy: no-referrer (the join pages) make browsers send
    // "Origin: null"; Sec-Fetch-Site, which that policy does not touch, still proves same-origin.
    if (!origin && c.req.header("Sec-Fetch-Site") === "same-origin") return next();
    return c.text("This request did not come from the admin center's own pages (cross-site request refused). Reload the page and try again.", 403);
  });
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
