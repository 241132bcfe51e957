// GET /outbox and GET /outbox/:id: the emails kept when mail stays in the outbox (local mode
// without Resend, or MAIL_TRANSPORT=outbox; 404 otherwise). Business Administrators only, who
// see only their own organization's emails (another org's id is a 404).
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv, Deps } from "../context.js";
import { isOurId } from "../ids.js";
import { countOutbox, getOutboxMessage, listOutbox } from "../domain/outbox.js";
import { OutboxMessagePage } from "../../views/outbox/outbox-message-page.js";
import { OutboxPage } from "../../views/outbox/outbox-page.js";
import { renderNotFound, renderPage, renderRefusal } from "../../views/respond.js";

export function outboxRoutes(deps: Pick<Deps, "db" | "config">) {
  return new Hono<AppEnv>()
    .use("*", async (c, next) => (deps.config.mailTransport === "outbox" ? next() : renderNotFound(c)))
    .use("*", requireAdmin)
    .get("/", async (c) => {
      const orgId = c.get("session")!.org.id;
      const before = c.req.query("before") || undefined;
      if (before !== undefined && !isOurId(before)) {
        return renderRefusal(c, 400, {
          title: "Local outbox",
          active: "outbox",
          heading: "That page cannot be shown",
          message: "This page link is not valid. Start again from the newest emails.",
        });
      }
      const [page, counts] = await Promise.all([listOutbox(deps.db, orgId, { before }), countOutbox(deps.db, orgId)]);
      c.header("Cache-Control", "no-store");
      return renderPage(c, { title: "Local outbox", active: "outbox", body: <OutboxPage rows={page.rows} next={page.next} before={before} counts={counts} /> });
    })
    .get("/:id", async (c) => {
      const id = c.req.param("id");
      const message = isOurId(id) ? await getOutboxMessage(deps.db, c.get("session")!.org.id, id) : null;
      if (!message) return renderNotFound(c);
      // The page shows a live invitation link: keep it out of caches.
      c.header("Cache-Control", "no-store");
      return renderPage(c, { title: message.subject, active: "outbox", body: <OutboxMessagePage message={message} /> });
    });
}
