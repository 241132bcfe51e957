// GET /directory/search?q=: the Invite User type-ahead (Business Administrators only, rate
// limited per client). htmx gets the listbox; anyone else the no-JavaScript search page.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import { rateLimit, RateLimiter } from "../auth/rate-limit.js";
import type { AppEnv, Deps } from "../context.js";
import { searchDirectory } from "../domain/directory-search.js";
import { DirectoryListbox } from "../../views/invite/directory-listbox.js";
import { waitText } from "../../views/errors.js";
import { isFragmentRequest } from "./respond.js";

/** The type-ahead's answer when the client searches too fast: no matches, and how long to wait. */
const busy = (seconds: number) => (
  <DirectoryListbox search={{ ok: false, q: "", message: `Too many searches in a short time. Wait ${waitText(seconds)}, then type again.` }} />
);

export function directoryRoutes(deps: Deps) {
  const perSecond = deps.config.directorySearchPerSecond;
  // A burst of four seconds' worth: fast typists and pasted text never hit it.
  const limiter = new RateLimiter(perSecond * 4, perSecond);
  return new Hono<AppEnv>().get("/search", requireAdmin, rateLimit("directory-search", limiter, busy), async (c) => {
    const q = (c.req.query("q") ?? "").slice(0, 200);
    c.header("Vary", "HX-Request");
    if (!isFragmentRequest(c)) return c.redirect(`/users/invite?q=${encodeURIComponent(q)}`, 302);
    const search = await searchDirectory(c.get("deps").db, c.get("session")!.org.id, q);
    c.header("Cache-Control", "no-store");
    return c.html(<DirectoryListbox search={search} />);
  });
}
