// Request bodies are limited while they stream, on every route, over real HTTP: a chunked body
// (no Content-Length to refuse up front) is answered 413 as soon as it passes its route family's
// size, while the client is still sending, instead of after the server has read all of it. A 96 MB
// chunked POST to the webhook with made-up Svix headers once grew the server by 279 MB.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization } from "../support/app.js";
import { rawRequest, serveTestApp, type ServedApp } from "../support/http.js";
import { newWebhookSecret } from "../support/resend-stand-in.js";
import { actorFor } from "../support/security-fixtures.js";
import { issueScimToken } from "../../src/domain/scim-tokens.js";

const MB = 1024 * 1024;
/** What the client offers: 64 MB in 64 KB chunks, far past every limit. */
const FLOOD = { size: 64 * 1024, count: 1024 };
/** The answer must come before this much was sent: the limit, plus what the sockets buffer on the way. */
const ANSWERED_WITHIN = 16 * MB;

let s: ServedApp;
let admin: string;
let scimToken: string;
beforeAll(async () => {
  s = await serveTestApp({ env: { RESEND_WEBHOOK_SECRET: newWebhookSecret(), IMPORT_MAX_BYTES: String(2 * MB) } });
  await createOrganization(s.t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 2 });
  admin = await s.t.signInAs("admin@contoso.example");
  scimToken = await issueScimToken(s.t.deps.db, await actorFor(s.t.deps.db, "admin@contoso.example"));
});
afterAll(() => s?.close());

const form = () => ({ "Content-Type": "application/x-www-form-urlencoded", Origin: s.url });

describe("a chunked body past its limit is answered 413 while it streams", () => {
  const cases: [string, string, () => Record<string, string>][] = [
    [
      "the Resend webhook, with made-up Svix headers (256 KB)",
      "/webhooks/resend",
      () => ({
        "Content-Type": "application/json",
        "svix-id": "msg_flood",
        "svix-timestamp": String(Math.floor(Date.now() / 1000)),
        "svix-signature": "v1,AAAA",
      }),
    ],
    ["local sign-in, signed out (forms: 1 MB)", "/login/local", form],
    ["Invite User, as an admin (forms: 1 MB)", "/invitations", () => ({ ...form(), Cookie: admin })],
    ["the rate, as an admin (forms: 1 MB)", "/settings/rate", () => ({ ...form(), Cookie: admin })],
    ["an upload (IMPORT_MAX_BYTES)", "/imports", () => ({ "Content-Type": "multipart/form-data; boundary=x", Origin: s.url, Cookie: admin })],
    ["SCIM provisioning, with the token (1 MB)", "/scim/v2/Users", () => ({ "Content-Type": "application/scim+json", Authorization: `Bearer ${scimToken}` })],
  ];
  for (const [what, path, headers] of cases) {
    it(what, async () => {
      const answer = await rawRequest(s.port, { method: "POST", path, headers: { ...headers(), "Transfer-Encoding": "chunked" }, chunks: FLOOD });
      expect(answer.status).toBe(413);
      expect(answer.sentBeforeAnswer, `answered after ${(answer.sentBeforeAnswer / MB).toFixed(1)} MB`).toBeLessThan(ANSWERED_WITHIN);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    });
  }

  it("says what to fix: a page for a form, the upload form for an upload, JSON for the webhook", async () => {
    const chunked = { "Transfer-Encoding": "chunked" };
    const page = await rawRequest(s.port, { method: "POST", path: "/login/local", headers: { ...form(), ...chunked }, chunks: { size: 64 * 1024, count: 20 } });
    expect(page.body).toContain("The form sent more than 1 MB");
    const upload = await rawRequest(s.port, {
      method: "POST",
      path: "/imports",
      headers: { "Content-Type": "multipart/form-data; boundary=x", Origin: s.url, Cookie: admin, ...chunked },
      chunks: { size: 64 * 1024, count: 40 },
    });
    expect(upload.body).toContain("The file is larger than 2 MB");
    const webhook = await rawRequest(s.port, {
      method: "POST",
      path: "/webhooks/resend",
      headers: { "Content-Type": "application/json", "svix-id": "m", "svix-timestamp": "1", "svix-signature": "v1,A", ...chunked },
      chunks: { size: 64 * 1024, count: 8 },
    });
    expect(JSON.parse(webhook.body).error).toMatch(/too large/);
    // SCIM answers in SCIM's error format (Entra shows its detail), never the form page.
    const scim = await rawRequest(s.port, {
      method: "POST",
      path: "/scim/v2/Users",
      headers: { "Content-Type": "application/scim+json", Authorization: `Bearer ${scimToken}`, ...chunked },
      chunks: { size: 64 * 1024, count: 20 },
    });
    expect(scim.status).toBe(413);
    expect(scim.headers["content-type"]).toContain("application/scim+json");
    expect(JSON.parse(scim.body)).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "413",
      detail: "The body is larger than 1 MB.",
    });
  });

  it("SCIM is limited by its own size, not a smaller one in front: a 900 KB user is read", async () => {
    const user = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "big@contoso.example", active: false, title: "t".repeat(900 * 1024) };
    const answer = await rawRequest(s.port, {
      method: "POST",
      path: "/scim/v2/Users",
      headers: { "Content-Type": "application/scim+json", Authorization: `Bearer ${scimToken}`, "Transfer-Encoding": "chunked" },
      body: JSON.stringify(user),
    });
    expect(answer.status, answer.body.slice(0, 300)).not.toBe(413);
  });

  it("a declared Content-Length past the limit is answered before the body is sent", async () => {
    const answer = await rawRequest(s.port, {
      method: "POST",
      path: "/login/local",
      headers: { ...form(), "Content-Length": String(32 * MB) },
      chunks: { size: 64 * 1024, count: 512 },
    });
    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeLessThan(ANSWERED_WITHIN);
  });

  it("a form within the limit is served as before", async () => {
    const answer = await rawRequest(s.port, {
      method: "POST",
      path: "/login/local",
      headers: { ...form(), "Transfer-Encoding": "chunked" },
      body: "email=admin%40contoso.example",
    });
    expect(answer.status).toBe(303);
  });
});

describe("a page read (GET, HEAD) is not checked for a body", () => {
  /** A request that counts how often its body is asked for: node-server builds a whole Request to answer. */
  class WatchedRequest extends Request {
    bodyAsked = 0;
    override get body() {
      this.bodyAsked++;
      return super.body;
    }
  }

  for (const method of ["GET", "HEAD"]) {
    it(`${method} /users, as an admin, is answered without its body asked for`, async () => {
      const request = new WatchedRequest(`${s.url}/users`, { method, headers: { Cookie: admin } });
      const answer = await s.t.app.request(request);
      expect(answer.status).toBe(200);
      expect(request.bodyAsked).toBe(0);
    });
  }

  it("a POST's body is still limited (asked for)", async () => {
    const request = new WatchedRequest(`${s.url}/login/local`, { method: "POST", headers: form(), body: "email=admin%40contoso.example" });
    expect((await s.t.app.request(request)).status).toBe(303);
    expect(request.bodyAsked).toBeGreaterThan(0);
  });
});
