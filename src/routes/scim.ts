// SCIM 2.0 provisioning from Entra ID (RFC 7644) under /scim/v2: the bearer token generated in
// Settings → Provisioning names the organization; no session, so mounted before the session and
// Origin checks. Each request: token (401), per-token rate (429 + Retry-After), body of at most
// 1 MB counted while it streams (413), JSON (400), then one domain call. Every answer that is not
// a resource is a SCIM error (urn:ietf:params:scim:api:messages:2.0:Error), never an HTML page.
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { RateLimiter } from "../auth/rate-limit.js";
import type { AppEnv, Deps } from "../context.js";
import { parseUserFilter } from "../domain/scim-filter.js";
import { logScimRefusal } from "../domain/scim-log.js";
import { createScimUser, deleteScimUser, patchScimUser, replaceScimUser, type ScimWriteResult } from "../domain/scim-provisioning.js";
import { findScimTokenHolder, touchScimToken } from "../domain/scim-tokens.js";
import { renderUserResource, type ScimProblem } from "../domain/scim-user-resource.js";
import { findScimUser, listScimUsers } from "../domain/scim-users.js";
import { listOf, MAX_BODY_BYTES, resourceTypeDocuments, schemaDocuments, serviceProviderConfig } from "../domain/scim-discovery.js";
import { scimBase } from "./shared/scim-url.js";

type ScimEnv = { Variables: AppEnv["Variables"] & { scimOrgId: string } };
type Status = 200 | 201 | 400 | 401 | 404 | 409 | 413 | 415 | 421 | 429 | 500;

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
const CONTENT_TYPE = "application/scim+json; charset=utf-8";
const JSON_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

function scimJson(c: Context, body: unknown, status: Status = 200) {
  return c.body(JSON.stringify(body), status, { "Content-Type": CONTENT_TYPE });
}

export function scimError(c: Context, problem: { status: Status; scimType?: string | undefined; detail: string }) {
  return scimJson(
    c,
    { schemas: [ERROR_SCHEMA], status: String(problem.status), ...(problem.scimType ? { scimType: problem.scimType } : {}), detail: problem.detail },
    problem.status,
  );
}

/** The path as the provisioning log shows it: relative to the tenant URL. */
const logPath = (c: Context) => c.req.path.replace(/^\/scim\/v2/, "") || "/";

/** A refusal before the domain ran: answered, and written to the organization's provisioning log. */
async function refuse(c: Context<ScimEnv>, problem: ScimProblem | { status: Status; scimType?: string; detail: string }) {
  const orgId = c.get("scimOrgId");
  if (orgId) await logScimRefusal(c.get("deps").db, { orgId, method: c.req.method, path: logPath(c), status: problem.status, outcome: problem.detail });
  return scimError(c, problem as { status: Status; scimType?: string; detail: string });
}

/** The JSON body, or the SCIM 400/415 answer to give instead. */
async function readJson(c: Context<ScimEnv>): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const type = c.req.header("Content-Type");
  if (type && !JSON_TYPE.test(type)) {
    return {
      ok: false,
      response: await refuse(c, { status: 415, detail: `Send the body as application/scim+json (or application/json), not ${type.slice(0, 80)}.` }),
    };
  }
  const text = await c.req.text();
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (error) {
    const detail = `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}`;
    return { ok: false, response: await refuse(c, { status: 400, scimType: "invalidSyntax", detail }) };
  }
}

/** Answers carry people's names and addresses, and refusals say why: no cache keeps any of them. */
const noStore = createMiddleware<ScimEnv>(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});

function requireToken(deps: Deps) {
  const limiter = new RateLimiter(Math.max(1, deps.config.scimRequestsPerSecond * 2), deps.config.scimRequestsPerSecond);
  return createMiddleware<ScimEnv>(async (c, next) => {
    const match = /^Bearer[ \t]+([^\s]{1,200})[ \t]*$/i.exec(c.req.header("Authorization") ?? "");
    const holder = match ? await findScimTokenHolder(deps.db, match[1]!) : null;
    if (!holder) {
      c.header("WWW-Authenticate", 'Bearer realm="scim"');
      return scimError(c, {
        status: 401,
        detail: "Send the secret token from Settings → Provisioning as Authorization: Bearer <token>. This one is missing, wrong or replaced.",
      });
    }
    const wait = limiter.consume(holder.orgId);
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      return scimError(c, { status: 429, detail: `Too many requests for this token: retry after ${wait} s.` });
    }
    c.set("scimOrgId", holder.orgId);
    await touchScimToken(deps.db, holder);
    return next();
  });
}

export function scimRoutes(deps: Deps) {
  const base = scimBase(deps.config.publicUrl);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => refuse(c as Context<ScimEnv>, { status: 413, detail: `The body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.` }),
  });
  const context = (c: Context<ScimEnv>) => ({ orgId: c.get("scimOrgId"), publicUrl: deps.config.publicUrl, method: c.req.method, path: logPath(c) });
  const answer = (c: Context<ScimEnv>, result: ScimWriteResult) => {
    if (!result.ok) return scimError(c, result.problem);
    if (result.mailQueued) deps.wake?.("mail");
    if (!result.user) return c.body(null, 204);
    if (result.status === 201) c.header("Location", `${base}/Users/${result.user.id}`);
    return scimJson(c, renderUserResource(result.user, base), result.status === 201 ? 201 : 200);
  };
  const withBody = (run: (c: Context<ScimEnv>, body: unknown) => Promise<ScimWriteResult>) => async (c: Context<ScimEnv>) => {
    const read = await readJson(c);
    return read.ok ? answer(c, await run(c, read.body)) : read.response;
  };

  return new Hono<ScimEnv>()
    .onError((err, c) => {
      deps.logger.error({ reqId: c.get("requestId"), path: c.req.path, err: { message: err.message, stack: err.stack } }, "SCIM request failed");
      return scimError(c, { status: 500, detail: `Something went wrong on our side; the request changed nothing. Reference: ${c.get("requestId") ?? ""}` });
    })
    .use("*", noStore, requireToken(deps), limitBody)
    .get("/ServiceProviderConfig", (c) => scimJson(c, serviceProviderConfig(base, deps.config.publicUrl)))
    .get("/Schemas", (c) => scimJson(c, listOf(schemaDocuments(base))))
    .get("/Schemas/:id", (c) => {
      const found = schemaDocuments(base).find((s) => s.id.toLowerCase() === c.req.param("id").toLowerCase());
      return found ? scimJson(c, found) : scimError(c, { status: 404, detail: "No such schema." });
    })
    .get("/ResourceTypes", (c) => scimJson(c, listOf(resourceTypeDocuments(base))))
    .get("/ResourceTypes/:id", (c) => {
      const found = resourceTypeDocuments(base).find((r) => r.id.toLowerCase() === c.req.param("id").toLowerCase());
      return found ? scimJson(c, found) : scimError(c, { status: 404, detail: "No such resource type: only User is provisioned." });
    })
    .get("/Users", async (c) => {
      const filter = parseUserFilter(c.req.query("filter"));
      if (!filter.ok) return refuse(c, filter.problem);
      const startIndex = pageNumber(c.req.query("startIndex"), 1);
      const count = pageNumber(c.req.query("count"), 100);
      if (startIndex === null || count === null)
        return refuse(c, { status: 400, scimType: "invalidValue", detail: "startIndex and count must be whole numbers." });
      const page = await listScimUsers(deps.db, c.get("scimOrgId"), { conditions: filter.conditions, startIndex: Math.max(1, startIndex), count });
      return scimJson(
        c,
        listOf(
          page.rows.map((row) => renderUserResource(row, base)),
          Math.max(1, startIndex),
          page.total,
        ),
      );
    })
    .post(
      "/Users",
      withBody((c, body) => createScimUser(deps.db, context(c), body)),
    )
    .get("/Users/:id", async (c) => {
      const row = await findScimUser(deps.db, c.get("scimOrgId"), c.req.param("id"));
      return row
        ? scimJson(c, renderUserResource(row, base))
        : refuse(c, { status: 404, detail: `No user with id "${c.req.param("id").slice(0, 80)}" in this organization.` });
    })
    .put(
      "/Users/:id",
      withBody((c, body) => replaceScimUser(deps.db, context(c), c.req.param("id")!, body)),
    )
    .patch(
      "/Users/:id",
      withBody((c, body) => patchScimUser(deps.db, context(c), c.req.param("id")!, body)),
    )
    .delete("/Users/:id", async (c) => answer(c, await deleteScimUser(deps.db, context(c), c.req.param("id"))))
    .all("*", (c) =>
      refuse(c, {
        status: 404,
        detail: `${c.req.method} ${logPath(c)} is not provided: only /Users (no /Groups, no /Bulk), /Schemas, /ResourceTypes and /ServiceProviderConfig.`,
      }),
    );
}

/** A whole number (negative allowed: the caller clamps), the fallback when absent, null when not a number. */
function pageNumber(value: string | undefined, fallback: number): number | null {
  if (value === undefined || value.trim() === "") return fallback;
  if (!/^-?\d{1,9}$/.test(value.trim())) return null;
  return Number(value.trim());
}
