// Pages of signed-in people are not kept by the browser: every answer to a signed-in request
// (admin pages, fragments, CSV downloads, a member's 403 page) says Cache-Control: no-store, so
// after Sign out, Back cannot show the Activity page (or anything else) from the cache. Checked
// for every GET route the app serves (from test/support/route-policy.ts), as an admin and as a
// member without the role. Static files and the health check keep their own caching.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { routePolicy } from "../support/route-policy.js";
import { actorFor, fixtureMaker } from "../support/security-fixtures.js";

/** Served before any session is read: nothing private in them. */
const PUBLIC = new Set(["GET /healthz", "GET /static/:name", "GET /"]);

describe("Cache-Control for signed-in people", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 40 });
  });
  afterAll(() => t.close());

  it("every GET answer to a signed-in admin or member says no-store; static files do not", async () => {
    const make = fixtureMaker(t.deps.db, await actorFor(t.deps.db, "admin@a.example"), "a.example", t.deps.config.publicUrl);
    const cookies = { admin: await t.signInAs("admin@a.example"), member: await t.signInAs("member@a.example") };
    const wrong: string[] = [];
    let checked = 0;
    for (const [route, policy] of Object.entries(routePolicy)) {
      const [method, pattern] = route.split(" ") as [string, string];
      if (method !== "GET" || PUBLIC.has(route) || !(policy.modes ?? ["local"]).includes("local")) continue;
      for (const [role, cookie] of Object.entries(cookies)) {
        const made = policy.fixture ? await make(policy.fixture) : null;
        const path = pattern.replace(/:[a-z]+/g, () => made!.id) + (policy.query ?? "");
        const response = await t.get(path, { cookie, htmx: policy.htmx });
        await response.arrayBuffer();
        checked++;
        if (response.headers.get("Cache-Control") !== "no-store")
          wrong.push(`${route} as ${role} (${response.status}): ${response.headers.get("Cache-Control")}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    const css = await t.get("/static/app.css", { cookie: cookies.admin });
    expect(css.headers.get("Cache-Control")).not.toContain("no-store");
  });

  it("the htmx fragments too, and the page after a plain form post", async () => {
    const admin = await t.signInAs("admin@a.example");
    for (const path of ["/users?q=per", "/users/invite", "/settings"]) {
      expect((await t.get(path, { cookie: admin, htmx: true })).headers.get("Cache-Control"), path).toBe("no-store");
    }
    const saved = await t.get("/settings?saved=1", { cookie: admin });
    expect(saved.headers.get("Cache-Control")).toBe("no-store");
  });

  it("the sign-in page a signed-out person sees is not marked: nothing private in it", async () => {
    expect((await t.get("/login")).headers.get("Cache-Control")).toBeNull();
  });
});
