import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { members } from "../../src/db/schema.js";
import { newId } from "../../src/ids.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;

beforeAll(async () => {
  t = await createTestApp({ seedDemo: true });
  admin = await t.signInAs("alex.admin@contoso.example");
  member = await t.signInAs("casey.member@contoso.example");
  const other = await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 3 });
  otherAdmin = await t.signInAs("admin@fabrikam.example");
  await t.deps.db.write((tx) =>
    tx.insert(members).values({
      id: newId(),
      orgId: other.id,
      email: "person1@fabrikam.example",
      emailNorm: "person1@fabrikam.example",
      name: "<script>alert(1)</script> Fabrikam",
      sortName: "<script>alert(1)</script> fabrikam",
      status: "invited",
      invitedAt: new Date(),
    }),
  );
});
afterAll(() => t.close());

describe("GET /users", () => {
  it("sends signed-out people to the sign-in page, htmx ones with HX-Redirect", async () => {
    const page = await t.get("/users?status=invited");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login?next=%2Fusers%3Fstatus%3Dinvited");
    const htmx = await t.get("/users", { htmx: true });
    expect(htmx.headers.get("HX-Redirect")).toBe("/login?next=%2Fusers");
  });

  it("tells a member without the role to ask the global admin (403)", async () => {
    const res = await t.get("/users", { cookie: member });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("global administrator");
  });

  it("lists the organization's members with counts per status", async () => {
    const res = await t.get("/users", { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("vary")).toContain("HX-Request");
    const html = await res.text();
    expect(html).toMatch(/Invited <span class="count">300<\/span>/);
    expect(html).toMatch(/Active <span class="count">1,200<\/span>/);
    expect(html).toMatch(/Archived <span class="count">100<\/span>/);
    expect(html).toMatch(/All <span class="count">1,600<\/span>/);
    expect(html).not.toContain("Fabrikam");
  });

  it("filters by status and pages with a keyset cursor, never repeating a row", async () => {
    const seen = new Set<string>();
    let next: string | null = "/users?status=invited";
    let pages = 0;
    while (next) {
      const html = await (await t.get(next, { cookie: admin })).text();
      const ids = [...html.matchAll(/<tr id="member-([^"]+)"/g)].map((m) => m[1]!);
      for (const id of ids) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      expect(html).not.toContain("badge-active");
      const link = html.match(/href="(\/users\?[^"]*after=[^"]+)" rel="next"/);
      next = link ? link[1]!.replaceAll("&amp;", "&") : null;
      pages++;
    }
    expect(seen.size).toBe(300);
    expect(pages).toBe(6);
  });

  it("searches names and addresses by prefix; htmx gets the results fragment only", async () => {
    const full = await (await t.get("/users?q=casey", { cookie: admin })).text();
    expect(full).toContain("No one matches");
    const [first] = await t.deps.db.select().from(members).where(eq(members.status, "active")).limit(1);
    const prefix = first!.name.slice(0, 5);
    const res = await t.get(`/users?status=active&q=${encodeURIComponent(prefix)}`, { cookie: admin, htmx: true });
    const html = (await res.text()).replaceAll("<wbr>", "");
    expect(html.startsWith('<section id="user-results"')).toBe(true);
    expect(html).toContain(first!.email);
    const byEmail = (await (await t.get(`/users?q=${encodeURIComponent(first!.email.slice(0, 8).toUpperCase())}`, { cookie: admin })).text()).replaceAll(
      "<wbr>",
      "",
    );
    expect(byEmail).toContain(first!.email);
  });

  it("finds people by any word of their name: /users?q=garcia finds the Garcias, and the tabs count the matches", async () => {
    const contoso = (await t.deps.db.select().from(members)).filter((m) => m.orgId !== undefined && /\bgarcia\b/i.test(m.name) && !m.name.includes("Fabrikam"));
    expect(contoso.length).toBeGreaterThan(1);
    const html = await (await t.get("/users?q=garcia", { cookie: admin })).text();
    for (const m of contoso) expect(html.replaceAll("<wbr>", "")).toContain(m.email);
    const per = (s: string) => contoso.filter((m) => m.status === s).length;
    expect(html).toMatch(new RegExp(`All <span class="count">${contoso.length}</span>`));
    expect(html).toMatch(new RegExp(`Invited <span class="count">${per("invited")}</span>`));
    expect(html).toMatch(new RegExp(`Active <span class="count">${per("active")}</span>`));
    expect(html).toContain("Counts of the people matching &ldquo;garcia&rdquo;");
    // Typing (htmx) swaps the results and brings the tabs' counts along.
    const typed = await (await t.get("/users?q=garcia&status=active", { cookie: admin, htmx: true })).text();
    expect(typed).toMatch(
      new RegExp(`<hx-partial hx-target="#status-filter" hx-swap="outerHTML"><nav id="status-filter"[\\s\\S]*All <span class="count">${contoso.length}</span>`),
    );
    expect([...typed.matchAll(/<tr id="member-/g)]).toHaveLength(per("active"));
  });

  it("a history-restore request gets the full page", async () => {
    const res = await t.get("/users", { cookie: admin, htmx: true, headers: { "HX-History-Restore-Request": "true" } });
    expect(await res.text()).toContain("<html");
  });

  it("answers bad input with a clean 400, never a 500", async () => {
    for (const path of [
      "/users?status=deleted",
      "/users?after=%00%01garbage",
      `/users?after=${"A".repeat(5000)}`,
      `/users?q=${"x".repeat(2048)}`,
      "/users?after=W10",
    ]) {
      const res = await t.get(path, { cookie: admin });
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain("That list cannot be shown");
    }
  });

  it("shows each admin their own name and organization in the header, whoever viewed the page before", async () => {
    for (let i = 0; i < 2; i++) {
      const contoso = await (await t.get("/users", { cookie: admin })).text();
      const fabrikam = await (await t.get("/users", { cookie: otherAdmin })).text();
      const person = (html: string) => html.match(/<span class="person">([^<]*)<\/span>/)?.[1];
      expect(contoso).toContain('<span class="org">Contoso (demo)</span>');
      expect(person(contoso)).toMatch(/^Alex/);
      expect(fabrikam).toContain('<span class="org">Fabrikam</span>');
      expect(person(fabrikam)).not.toMatch(/^Alex/);
      expect(fabrikam).not.toContain("Contoso");
    }
  });

  it("escapes HTML in names", async () => {
    const html = await (await t.get("/users", { cookie: otherAdmin })).text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Fabrikam");
    expect(html).not.toContain("<script>alert(1)");
  });
});

describe("sign-in, sign-out and CSRF", () => {
  it("signs in locally only people in the directory, keeping what was typed", async () => {
    const bad = await t.post("/login/local", { email: "nobody<b>@contoso.example" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("is in the directory");
    expect(html).toContain('value="nobody&lt;b&gt;@contoso.example"');
    const ok = await t.post("/login/local", { email: " Alex.Admin@Contoso.example ", next: "//evil.example/" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/users");
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
  });

  it("issues a fresh session at sign-in (no fixation) and ends it at sign-out", async () => {
    const before = await t.signInAs("casey.member@contoso.example");
    const res = await t.post("/login/local", { email: "alex.admin@contoso.example" }, { cookie: before });
    const after = res.headers.get("set-cookie")!.split(";")[0]!;
    expect(after).not.toBe(before);
    expect((await t.get("/users", { cookie: before })).status).toBe(303);
    expect((await t.get("/users", { cookie: after })).status).toBe(200);
    await t.post("/logout", {}, { cookie: after });
    expect((await t.get("/users", { cookie: after })).status).toBe(303);
  });

  it("refuses a state-changing request from another origin or without one", async () => {
    const foreign = await t.app.request(`${ORIGIN}/login/local`, {
      method: "POST",
      body: new URLSearchParams({ email: "alex.admin@contoso.example" }),
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    const none = await t.app.request(`${ORIGIN}/logout`, { method: "POST" });
    expect(none.status).toBe(403);
  });

  it("uses the __Host- prefix and Secure when PUBLIC_URL is https", async () => {
    const secure = await createTestApp({ seedDemo: true, env: { PUBLIC_URL: "https://admin.example" } });
    const res = await secure.app.request("https://admin.example/login/local", {
      method: "POST",
      body: new URLSearchParams({ email: "alex.admin@contoso.example" }),
      headers: { Origin: "https://admin.example" },
    });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-session=/);
    expect(cookie).toContain("Secure");
    secure.close();
  });

  it("sends security headers with a CSP that allows no inline script", async () => {
    const res = await t.get("/login");
    const scriptSrc = res.headers.get("content-security-policy")!.match(/script-src ([^;]*)/)![1];
    expect(scriptSrc).toBe("'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
