// Sign-in, join, the type-ahead and upload are rate-limited per client: one client hammering a
// route gets a clear 429 (Retry-After, a page that says how long to wait; htmx callers get a
// fragment that fits where they asked for it), while another client is still served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/auth/rate-limit.js";
import { createApp } from "../../src/app.js";
import { newToken } from "../../src/ids.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";

type App = ReturnType<typeof createApp>;
/** A request from the client at `address` (what the rate limiter keys on: the socket's address). */
const from = async (app: App, address: string, path: string, init: RequestInit = {}): Promise<Response> =>
  app.request(ORIGIN + path, init, { incoming: { socket: { remoteAddress: address } } } as never);

type Case = { name: string; limit: number; request: (app: App, address: string) => Promise<Response>; served: number[] };

/** Requests until the first 429 (at most limit + 1 of them); answers it and how many came before. */
async function hammer(app: App, c: Case, address: string) {
  for (let i = 0; i <= c.limit; i++) {
    const response = await c.request(app, address);
    if (response.status === 429) return { response, before: i };
    expect(c.served, `${c.name} request ${i + 1}`).toContain(response.status);
    await response.arrayBuffer();
  }
  throw new Error(`${c.name}: no 429 after ${c.limit + 1} requests`);
}

async function expectClear429(response: Response, htmx = false) {
  const retryAfter = Number(response.headers.get("Retry-After"));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
  const html = await response.text();
  if (!htmx) {
    expect(html).toContain("<h1>Too many requests</h1>");
    expect(html).toContain(`Wait ${retryAfter} ${retryAfter === 1 ? "second" : "seconds"}, then try again.`);
  }
  return html;
}

describe("rate limits per client", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { DIRECTORY_SEARCH_PER_SECOND: "2" } });
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 5 });
    admin = await t.signInAs("admin@a.example");
  });
  afterAll(() => t.close());

  const form = (fields: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(fields), headers: { Origin: ORIGIN } });
  const cases = (): Case[] => [
    { name: "local sign-in", limit: 20, served: [422], request: (app, a) => from(app, a, "/login/local", form({ email: "nobody@a.example" })) },
    { name: "join landing page", limit: 30, served: [404], request: (app, a) => from(app, a, `/join/${newToken()}`) },
    { name: "Join", limit: 30, served: [303], request: (app, a) => from(app, a, `/join/${newToken()}`, { method: "POST", headers: { Origin: ORIGIN } }) },
    {
      name: "upload",
      limit: 20,
      served: [422],
      request: (app, a) => from(app, a, "/imports", { method: "POST", body: new FormData(), headers: { Origin: ORIGIN, Cookie: admin } }),
    },
    {
      name: "type-ahead (no JavaScript)",
      limit: 8,
      served: [302],
      request: (app, a) => from(app, a, "/directory/search?q=pe", { headers: { Cookie: admin } }),
    },
  ];

  for (const index of [0, 1, 2, 3, 4]) {
    it(`limits ${cases()[index]!.name} with a clear 429 page, for that client only`, async () => {
      const app = createApp(t.deps);
      const c = cases()[index]!;
      const { response, before } = await hammer(app, c, "203.0.113.7");
      expect(before).toBe(c.limit); // the whole burst is served first
      const html = await expectClear429(response);
      expect(html).toContain("<html"); // a full page with the app's shell
      const other = await c.request(app, "198.51.100.9");
      expect(c.served).toContain(other.status);
    });
  }

  it("answers an htmx type-ahead with the listbox it asked for, saying how long to wait", async () => {
    const app = createApp(t.deps);
    const c: Case = {
      name: "type-ahead",
      limit: 8,
      served: [200],
      request: (a, address) => from(a, address, "/directory/search?q=pe", { headers: { Cookie: admin, "HX-Request": "true" } }),
    };
    const { response } = await hammer(app, c, "203.0.113.8");
    const html = await expectClear429(response, true);
    const wait = response.headers.get("Retry-After");
    // Swapped into #invite-listbox (outerHTML): it must be that listbox again, not a whole page.
    expect(html).not.toContain("<html");
    expect(html).toMatch(/^<ul id="invite-listbox" role="listbox"/);
    expect(html).toContain(`Wait ${wait} second`);
  });

  it("answers an htmx upload with the upload form, saying how long to wait", async () => {
    const app = createApp(t.deps);
    const c: Case = {
      name: "upload (htmx)",
      limit: 20,
      served: [422],
      request: (a, address) =>
        from(a, address, "/imports", { method: "POST", body: new FormData(), headers: { Origin: ORIGIN, Cookie: admin, "HX-Request": "true" } }),
    };
    const { response } = await hammer(app, c, "203.0.113.9");
    const html = await expectClear429(response, true);
    expect(html).not.toContain("<html");
    expect(html).toMatch(/^<section id="bulk-upload"/);
    expect(html).toContain(`Wait ${response.headers.get("Retry-After")} second`);
  });
});

describe("rate limit of Sign in with Microsoft", () => {
  let idp: OidcStandIn;
  let t: TestApp;
  beforeAll(async () => {
    idp = await startOidcStandIn();
    t = await createTestApp({
      env: {
        ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
        ENTRA_CLIENT_SECRET: "s3cret",
        ENTRA_TENANT_ID: idp.tenantId,
        ENTRA_AUTHORITY: idp.authority,
      },
    });
  });
  afterAll(async () => {
    t?.close();
    await idp?.stop();
  });

  it("limits the start and the callback together, per client", async () => {
    const app = createApp(t.deps);
    const c: Case = { name: "Entra sign-in", limit: 30, served: [302], request: (a, address) => from(a, address, "/login/entra") };
    const { response, before } = await hammer(app, c, "203.0.113.10");
    expect(before).toBe(30);
    await expectClear429(response);
    expect((await from(app, "203.0.113.10", "/login/entra/callback?code=x&state=y")).status).toBe(429);
    expect((await from(app, "198.51.100.10", "/login/entra")).status).toBe(302);
  });
});

describe("the limiter's memory", () => {
  it("forgets the client heard from longest ago, not a client being held back, when a flood of new keys fills it", () => {
    const limiter = new RateLimiter(2, 0.001, 100);
    const now = 1_000_000;
    limiter.consume("quiet", now);
    expect([limiter.consume("held", now), limiter.consume("held", now)]).toEqual([0, 0]);
    expect(limiter.consume("held", now)).toBeGreaterThan(0);
    // 99 new keys make 101: one must go, and it is "quiet" (clearing them all would free "held").
    for (let i = 0; i < 99; i++) limiter.consume(`flood-${i}`, now);
    expect(limiter.consume("held", now)).toBeGreaterThan(0);
  });
});
