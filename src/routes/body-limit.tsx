// Request bodies are limited while they stream, on every route, with a size per route family.
// hono/body-limit trusts Content-Length (Node's parser holds a body to it) and counts a chunked
// body's bytes as they arrive, answering 413 as soon as they pass the size: the rest is never
// read into memory (the server discards it). Two families limit their own bodies, and a limit
// here in front would answer them in the wrong format or hold their bodies twice: uploads
// (readUploadedFile in shared/upload-body.ts streams them under IMPORT_MAX_BYTES) and SCIM provisioning
// (scim.ts: 1 MB, answered with a SCIM error Entra can show).
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";
import { isScimPath } from "./shared/scim-url.js";
import { isFragmentRequest, renderRefusal } from "../../views/respond.js";

/** Sign-in, invitations, settings, row actions: about 1 MB, far above any real form. */
export const FORM_MAX_BYTES = 1024 * 1024;
/** Resend delivery events are a few hundred bytes. */
export const WEBHOOK_MAX_BYTES = 256 * 1024;

function formTooLarge(c: Context<AppEnv>) {
  const message = "The form sent more than 1 MB, which no form here needs. Go back, send fewer or shorter values, and try again.";
  c.status(413);
  if (isFragmentRequest(c))
    return c.html(
      <p class="field-error" role="alert">
        {message}
      </p>,
    );
  return renderRefusal(c, 413, { title: "Request too large", heading: "That request is too large", message });
}

export function limitRequestBodies() {
  const forms = bodyLimit({ maxSize: FORM_MAX_BYTES, onError: formTooLarge });
  const webhooks = bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: (c) => c.json({ error: `body too large (at most ${WEBHOOK_MAX_BYTES} bytes)` }, 413) });
  return createMiddleware<AppEnv>(async (c, next) => {
    // node-server gives a GET or HEAD no body, and asking for it (as bodyLimit does) builds a whole
    // Request, a tenth of a Users page's cost in the server.
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    if (c.req.path.startsWith("/webhooks/")) return webhooks(c, next);
    if (c.req.method === "POST" && c.req.path === "/imports") return next(); // streamed under IMPORT_MAX_BYTES by readUploadedFile
    if (isScimPath(c.req.path)) return next(); // limited by scimRoutes, with a SCIM 413
    return forms(c, next);
  });
}
