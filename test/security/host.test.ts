// Only the admin center's own host is served, over real HTTP. A page on another name that resolves
// to the server (DNS rebinding) once posted /login/local with its own origin and got a session,
// because the CSRF check accepted the origin the request was addressed to, and local sign-in has no
// password. Now a request whose Host is not PUBLIC_URL's (in local mode also localhost, 127.0.0.1
// and [::1] on its port) is refused with 421, except the health checks (/healthz, /readyz: load
// balancers probe by address); the Origin check compares against those origins alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, createTestApp } from "../support/app.js";
import { rawRequest, serveTestApp, type ServedApp } from "../support/http.js";

const sessionSet = (headers: Record<string, unknown>) => ([headers["set-cookie"] ?? []].flat() as string[]).some((c) => /^(__Host-)?session=[^;]/.test(c));

describe("local mode", () => {
  let s: ServedApp;
  let admin: string;
  beforeAll(async () => {
    s = await serveTestApp();
    await createOrganization(s.t.deps.db, { name: "Contoso", domain: "contoso.example" });
    admin = await s.t.signInAs("admin@contoso.example");
  });
  afterAll(() => s?.close());

  const signIn = (host: string, origin: string) =>
    rawRequest(s.port, {
      method: "POST",
      path: "/login/local",
      body: "email=admin%40contoso.example",
      headers: { Host: host, Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    });

  it("refuses a rebound name: no session for a page on evil.example posting local sign-in to this server", async () => {
    const answer = await signIn(`evil.example:${s.port}`, `http://evil.example:${s.port}`);
    expect(answer.status).toBe(421);
    expect(sessionSet(answer.headers)).toBe(false);
    expect(answer.body).toContain(`answers only at ${s.url}`);
  });

  it("answers 421 on every route for another host, the health checks excepted", async () => {
    for (const [method, path] of [
      ["GET", "/users"],
      ["GET", "/login"],
      ["GET", "/static/app.css"],
      ["POST", "/webhooks/resend"],
      ["GET", "/outbox"],
      ["GET", "/scim/v2/Users"],
      ["POST", "/scim/v2/Users"],
    ] as const) {
      const answer = await rawRequest(s.port, { method, path, headers: { Host: `evil.example:${s.port}`, Cookie: admin } });
      expect(answer.status, `${method} ${path}`).toBe(421);
    }
    expect((await rawRequest(s.port, { path: "/users", headers: { Host: "127.0.0.1", Cookie: admin } })).status).toBe(421); // not on PUBLIC_URL's port
    expect((await rawRequest(s.port, { path: "/healthz", headers: { Host: "anything.example" } })).status).toBe(200);
    const ready = await rawRequest(s.port, { path: "/readyz", headers: { Host: "10.0.0.7" } }); // a load balancer probing by address
    expect([ready.status, ready.body]).toEqual([200, "ready"]);
  });

  it("says it in SCIM's error form on the SCIM paths, for Entra's provisioning log", async () => {
    const answer = await rawRequest(s.port, { path: "/scim/v2/Users", headers: { Host: `evil.example:${s.port}`, Authorization: "Bearer x" } });
    expect(answer.status).toBe(421);
    expect(answer.headers["content-type"]).toMatch(/^application\/scim\+json/);
    expect(JSON.parse(answer.body)).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "421",
      detail: `Misdirected request: this admin center answers only at ${s.url}.`,
    });
  });

  it("answers 421 for an absolute request target naming another host", async () => {
    const answer = await rawRequest(s.port, { path: "http://evil.example/users", headers: { Host: `127.0.0.1:${s.port}`, Cookie: admin } });
    expect(answer.status).toBe(421);
  });

  it("serves PUBLIC_URL's host and the loopback names on its port, and accepts their origins", async () => {
    for (const name of ["127.0.0.1", "localhost", "[::1]", "LOCALHOST"]) {
      const host = `${name}:${s.port}`;
      expect((await rawRequest(s.port, { path: "/users", headers: { Host: host, Cookie: admin } })).status, host).toBe(200);
      const answer = await signIn(`127.0.0.1:${s.port}`, `http://${name.toLowerCase()}:${s.port}`);
      expect(answer.status, `Origin of ${host}`).toBe(303);
      expect(sessionSet(answer.headers)).toBe(true);
    }
  });

  it("refuses an origin on another port or scheme of a loopback name (403)", async () => {
    for (const origin of [`http://127.0.0.1:${s.port + 1}`, `https://localhost:${s.port}`, "http://localhost"]) {
      const answer = await signIn(`127.0.0.1:${s.port}`, origin);
      expect(answer.status, origin).toBe(403);
      expect(sessionSet(answer.headers)).toBe(false);
    }
  });
});

describe("with Entra configured", () => {
  let s: ServedApp;
  beforeAll(async () => {
    s = await serveTestApp({
      env: { ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555", ENTRA_CLIENT_SECRET: "s3cret", ENTRA_AUTHORITY: "http://127.0.0.1:9" },
    });
  });
  afterAll(() => s?.close());

  it("serves PUBLIC_URL's host only: loopback aliases are local mode's", async () => {
    expect((await rawRequest(s.port, { path: "/login", headers: { Host: `127.0.0.1:${s.port}` } })).status).toBe(200);
    expect((await rawRequest(s.port, { path: "/login", headers: { Host: `localhost:${s.port}` } })).status).toBe(421);
  });

  it("SCIM provisioning is served at PUBLIC_URL's host alone, as Entra calls the tenant URL", async () => {
    expect((await rawRequest(s.port, { path: "/scim/v2/Users", headers: { Host: `127.0.0.1:${s.port}` } })).status).toBe(401); // reached: asks for the token
    for (const host of [`localhost:${s.port}`, `evil.example:${s.port}`]) {
      expect((await rawRequest(s.port, { path: "/scim/v2/Users", headers: { Host: host, Authorization: "Bearer x" } })).status, host).toBe(421);
    }
  });
});

describe("the Origin check", () => {
  it("compares against the configured origin, never the one the request claims (a proxy's http behind an https PUBLIC_URL)", async () => {
    const t = await createTestApp({ seedDemo: true, env: { PUBLIC_URL: "https://admin.example" } });
    try {
      const post = (origin: string) =>
        t.app.request("http://admin.example/login/local", {
          method: "POST",
          body: new URLSearchParams({ email: "alex.admin@contoso.example" }),
          headers: { Origin: origin },
        });
      expect((await post("http://admin.example")).status).toBe(403);
      expect((await post("https://admin.example")).status).toBe(303);
    } finally {
      t.close();
    }
  });
});
