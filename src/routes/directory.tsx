// GET /directory/search?q=: the Invite User type-ahead (Business Administrators only, rate
// limited per client). htmx gets the listbox; anyone else the no-JavaScript search page.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import { rateLimit, RateLimiter } from "../auth/rate-limit.js";
import type { AppEnv, Deps } from "../context.js";
import { searchDirectory } from "../domain/directory-search.js";
import { getLastDirectorySync, requestDirectorySync } from "../domain/directory-sync.js";
import { DirectorySyncPanel, directorySyncText } from "../../views/users/directory-sync-panel.js";
import { LiveStatusText } from "../../views/components/live-status.js";
import { DirectoryListbox } from "../../views/invite/directory-listbox.js";
import { waitText } from "../../views/errors.js";
import { isFragmentRequest, renderNotFound, respondAfterPost } from "../../views/respond.js";

/** The type-ahead's answer when the client searches too fast: no matches, and how long to wait. */
const busy = (seconds: number) => (
  <DirectoryListbox search={{ ok: false, q: "", message: `Too many searches in a short time. Wait ${waitText(seconds)}, then type again.` }} />
);

export function directoryRoutes(deps: Deps) {
  const perSecond = deps.config.directorySearchPerSecond;
  // A burst of four seconds' worth: fast typists and pasted text never hit it.
  const limiter = new RateLimiter(perSecond * 4, perSecond);
  return new Hono<AppEnv>()
    .get("/sync", requireAdmin, async (c) => {
      if (!c.get("deps").config.entra) return renderNotFound(c);
      const last = await getLastDirectorySync(c.get("deps").db, c.get("session")!.org.id);
      c.header("Vary", "HX-Request");
      if (!isFragmentRequest(c)) return c.redirect("/users", 302);
      const busy = last?.latest?.status === "queued" || last?.latest?.status === "running";
      return c.html(
        <>
          <DirectorySyncPanel last={last} />
          {!busy && <LiveStatusText text={directorySyncText(last)} />}
        </>,
      );
    })
    .post("/sync", requireAdmin, async (c) => {
      const { db, config } = c.get("deps");
      if (!config.entra) return renderNotFound(c);
      const session = c.get("session")!;
      const result = await requestDirectorySync(db, session.org.id, session.person.id);
      if (result.ok) c.get("deps").wake?.("directory");
      const message = result.ok ? undefined : "This organization is not connected to a Microsoft Entra tenant.";
      const last = await getLastDirectorySync(db, session.org.id);
      return respondAfterPost(c, "/users", () => (
        <>
          <DirectorySyncPanel last={last} message={message} />
          <LiveStatusText text={message ?? directorySyncText(last)} />
        </>
      ));
    })
    .get("/search", requireAdmin, rateLimit("directory-search", limiter, busy), async (c) => {
      const q = (c.req.query("q") ?? "").slice(0, 200);
      c.header("Vary", "HX-Request");
      if (!isFragmentRequest(c)) return c.redirect(`/users/invite?q=${encodeURIComponent(q)}`, 302);
      const search = await searchDirectory(c.get("deps").db, c.get("session")!.org.id, q);
      c.header("Cache-Control", "no-store");
      return c.html(<DirectoryListbox search={search} />);
    });
}
