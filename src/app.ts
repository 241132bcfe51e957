// createApp(deps): middleware and one app.route() mount per resource. Tests build it too.
import { Hono, type Context } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { clientAddress } from "./auth/client-address.js";
import { verifyOrigin } from "./auth/csrf.js";
import { loadSession } from "./auth/guards.js";
import { requireOwnHost } from "./auth/own-host.js";
import type { AppEnv, Deps } from "./context.js";
import { maskPath } from "./logger.js";
import { activityRoutes } from "./routes/activity.js";
import { limitRequestBodies } from "./routes/body-limit.js";
import { healthRoutes } from "./routes/health.js";
import { joinRoutes, noReferrer } from "./routes/join.js";
import { loginRoutes } from "./routes/login.js";
import { entraLoginRoutes } from "./routes/login-entra.js";
import { renderError, renderNotFound } from "../views/respond.js";
import { settingsRoutes } from "./routes/settings.js";
import { provisioningRoutes } from "./routes/provisioning.js";
import { staticRoutes } from "./routes/static.js";
import { userRoutes } from "./routes/users.js";
import { userActionRoutes } from "./routes/user-actions.js";
import { invitationRoutes } from "./routes/invitations.js";
import { directoryRoutes } from "./routes/directory.js";
import { outboxRoutes } from "./routes/outbox.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { scimError, scimRoutes } from "./routes/scim.js";
import { isScimPath } from "./routes/shared/scim-url.js";
import { importRoutes } from "./routes/imports.js";
import { rosterRoutes } from "./routes/roster.js";
import { reminderRoutes } from "./routes/reminders.js";

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  const formAction = ["'self'", ...(deps.config.entra ? [new URL(deps.config.entra.authority).origin] : [])];

  app.use(requestId(), async (c, next) => {
    c.set("deps", deps);
    c.set("session", null);
    const started = performance.now();
    await next();
    // Above info (LOG_LEVEL=warn) the line is not written: its fields are not worth building.
    if (!deps.logger.isLevelEnabled("info")) return;
    deps.logger.info(
      {
        reqId: c.get("requestId"),
        client: clientAddress(c),
        method: c.req.method,
        path: maskPath(c.req.path),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  app.use("/join/*", noReferrer); // outside secureHeaders, so no-referrer wins on the join pages
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        frameSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction,
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: "same-origin",
      crossOriginEmbedderPolicy: false,
      // HSTS over plain http would pin nothing, and on localhost it breaks other local http apps.
      strictTransportSecurity: deps.config.publicUrl.startsWith("https:"),
    }),
  );
  // Entra's provisioning log shows a SCIM error's detail; anyone else reads the plain sentence.
  const misdirected = (c: Context<AppEnv>, message: string) => (isScimPath(c.req.path) ? scimError(c, { status: 421, detail: message }) : c.text(message, 421));
  app.use(requireOwnHost(deps.config, misdirected), limitRequestBodies());

  app.route("/static", staticRoutes());
  app.route("/", healthRoutes(deps));
  app.get("/", (c) => c.redirect("/users", 302));
  // Signed by the provider instead of a session or an Origin: mounted before those checks.
  app.route("/webhooks", webhookRoutes(deps));
  // SCIM provisioning carries a bearer token, not a session (and has its own body limit).
  app.route("/scim/v2", scimRoutes(deps));

  app.use(verifyOrigin(deps.config), loadSession);
  app.route("/", loginRoutes());
  app.route("/", entraLoginRoutes(deps));
  app.route("/", rosterRoutes());
  app.route("/users", userRoutes());
  app.route("/users", userActionRoutes());
  app.route("/users", reminderRoutes());
  app.route("/invitations", invitationRoutes());
  app.route("/directory", directoryRoutes(deps));
  app.route("/settings", settingsRoutes());
  app.route("/settings", provisioningRoutes());
  app.route("/outbox", outboxRoutes(deps));
  app.route("/", activityRoutes());
  app.route("/join", joinRoutes());
  app.route("/imports", importRoutes(deps));

  app.notFound(renderNotFound);
  app.onError((err, c) => {
    deps.logger.error({ reqId: c.get("requestId"), path: maskPath(c.req.path), err: { message: err.message, stack: err.stack } }, "unhandled error");
    return renderError(c);
  });
  return app;
}
