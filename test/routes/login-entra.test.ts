// Sign in with Microsoft against an Entra-shaped OpenID provider on 127.0.0.1 (oauth2-mock-server):
// the real redirect, the real code exchange (Arctic) and the real JWKS check (jose).
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, organizations, sessions } from "../../src/db/schema.js";
import { newId } from "../../src/ids.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
let idp: OidcStandIn;
let t: TestApp;

beforeAll(async () => {
  idp = await startOidcStandIn();
});
afterAll(async () => idp.stop());
afterEach(() => t?.close());

async function entraApp(tenant = idp.tenantId) {
  t = await createTestApp({
    env: {
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_CLIENT_SECRET: "s3cret",
      ENTRA_TENANT_ID: tenant,
      ENTRA_AUTHORITY: idp.authority,
      ENTRA_ADMIN_ROLE: "BusinessAdministrator",
    },
  });
  return t;
}

/** Cookie header from a response's Set-Cookie lines (deleted cookies left out). */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .filter((line) => !/max-age=0/i.test(line))
    .map((line) => line.split(";")[0])
    .join("; ");
}

type Flow = { start: Response; authorizeUrl: URL; callback: URL; cookies: string };

/** GET /login/entra, then the provider's authorize endpoint, stopping at its redirect back to us. */
async function startFlow(next = "/users"): Promise<Flow> {
  const start = await t.get(`/login/entra?next=${encodeURIComponent(next)}`);
  expect(start.status).toBe(302);
  const authorizeUrl = new URL(start.headers.get("location")!);
  const authorize = await fetch(authorizeUrl, { redirect: "manual" });
  expect(authorize.status).toBe(302);
  return { start, authorizeUrl, callback: new URL(authorize.headers.get("location")!), cookies: cookiesOf(start) };
}

const callbackOf = (flow: Flow, cookie = flow.cookies) => t.get(flow.callback.pathname + flow.callback.search, { cookie });

async function expectRefused(response: Response) {
  expect(response.status).toBe(400);
  const html = await response.text();
  expect(html).toContain("Sign-in could not be completed — please start again");
  expect(html).toContain('href="/login"');
  expect(html).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
  expect(response.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
}

describe("Sign in with Microsoft", () => {
  it("does not exist in local mode", async () => {
    t = await createTestApp();
    expect((await t.get("/login/entra")).status).toBe(404);
    expect((await t.get("/login/entra/callback?code=x&state=y")).status).toBe(404);
  });

  it("refuses local sign-in when Entra is configured", async () => {
    await entraApp();
    const response = await t.post("/login/local", { email: "alex.admin@contoso.example" });
    expect(response.status).toBe(404);
  });

  it("redirects to the tenant's authorize endpoint with PKCE S256, state and nonce in 10-minute cookies", async () => {
    await entraApp();
    const flow = await startFlow();
    const q = flow.authorizeUrl.searchParams;
    expect(flow.authorizeUrl.origin + flow.authorizeUrl.pathname).toBe(`${idp.authority}/${idp.tenantId}/oauth2/v2.0/authorize`);
    expect(q.get("client_id")).toBe(CLIENT_ID);
    expect(q.get("redirect_uri")).toBe("http://localhost:3000/login/entra/callback");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("scope")).toBe("openid profile email offline_access");
    expect(q.get("nonce")).toMatch(/^[\w-]{43}$/);
    const lines = flow.start.headers.getSetCookie();
    for (const name of ["entra_state", "entra_nonce", "entra_verifier"]) {
      const line = lines.find((l) => l.startsWith(`${name}=`));
      expect(line).toMatch(/Max-Age=600/);
      expect(line).toMatch(/Path=\/login\/entra/);
      expect(line).toMatch(/HttpOnly/);
      expect(line).toMatch(/SameSite=Lax/);
    }
    expect(lines.find((l) => l.startsWith("entra_state="))).toContain(q.get("state")!);
  });

  it("passes an invitation's login_hint to Microsoft with an account picker, and ignores a malformed one", async () => {
    await entraApp();
    const hinted = await t.get(`/login/entra?next=%2Fjoin%2Fabc&login_hint=${encodeURIComponent("casey@contoso.example")}`);
    const url = new URL(hinted.headers.get("location")!);
    expect(url.searchParams.get("login_hint")).toBe("casey@contoso.example");
    expect(url.searchParams.get("prompt")).toBe("select_account");
    const plain = new URL((await t.get("/login/entra?login_hint=%3Cscript%3E")).headers.get("location")!);
    expect(plain.searchParams.has("login_hint")).toBe(false);
  });

  it("signs in a Business Administrator: creates the organization and the person, and a session", async () => {
    await entraApp();
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "Ada.Admin@Contoso.test", name: "Ada Admin", roles: ["BusinessAdministrator"] };
    const flow = await startFlow("/users?status=active");
    const response = await callbackOf(flow);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/users?status=active");
    const session = response.headers.getSetCookie().find((c) => c.startsWith("session="));
    expect(session).toMatch(/HttpOnly/);
    expect(idp.tokenRequests.at(-1)?.code_verifier).toMatch(/^[\w-]{43,}$/);

    const [org] = await t.database.db.select().from(organizations).where(eq(organizations.tenantId, idp.tenantId));
    expect(org).toMatchObject({ name: "contoso.test", domains: ["contoso.test"] });
    const [person] = await t.database.db.select().from(directoryPeople).where(eq(directoryPeople.entraObjectId, idp.user.oid));
    expect(person).toMatchObject({
      orgId: org!.id,
      userPrincipalName: "Ada.Admin@Contoso.test",
      upnNorm: "ada.admin@contoso.test",
      displayName: "Ada Admin",
      accountEnabled: true,
    });
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.personId, person!.id));
    expect(row!.roles).toEqual(["admin"]);

    const users = await t.get("/users", { cookie: cookiesOf(response) });
    expect(users.status).toBe(200);

    // The callback is single-use: replaying it (even with the old cookies) is refused.
    await expectRefused(await callbackOf(flow));
  });

  it("signs in a person without the role to an existing organization, who then sees the ask-your-admin page", async () => {
    await entraApp();
    await t.database.db.write((tx) => tx.insert(organizations).values({ id: newId(), tenantId: idp.tenantId, name: "Contoso", domains: ["contoso.test"] }));
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "casey@contoso.test", name: "Casey Member", roles: ["SomethingElse"] };
    const response = await callbackOf(await startFlow());
    expect(response.status).toBe(303);
    const [person] = await t.database.db.select().from(directoryPeople).where(eq(directoryPeople.entraObjectId, idp.user.oid));
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.personId, person!.id));
    expect(row!.roles).toEqual([]);
    const users = await t.get("/users", { cookie: cookiesOf(response) });
    expect(users.status).toBe(403);
    expect(await users.text()).toContain("global administrator");
  });

  it("shows the ask-your-admin page, and creates nothing, for a person without the role whose organization is new", async () => {
    await entraApp();
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "casey@contoso.test", name: "Casey Member" };
    const response = await callbackOf(await startFlow());
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Ask your global admin for access");
    expect(response.headers.getSetCookie().some((c) => c.startsWith("session="))).toBe(false);
    expect(await t.database.db.select().from(organizations)).toHaveLength(0);
  });

  it("escapes what the token says when showing it", async () => {
    await entraApp();
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "casey@<img src=x onerror=alert(1)>.test", name: "<b>Casey</b>" };
    const response = await callbackOf(await startFlow());
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.test");
    expect(html).not.toContain("<img src=x");
  });

  it("signs in through a multi-tenant registration (organizations): the issuer's {tenantid} is the token's tid", async () => {
    await entraApp("organizations");
    const otherTenant = randomUUID();
    idp.user = { tid: otherTenant, oid: randomUUID(), preferred_username: "root@fabrikam.test", name: "Fab Admin", roles: ["BusinessAdministrator"] };
    const flow = await startFlow();
    expect(flow.authorizeUrl.pathname).toBe("/organizations/oauth2/v2.0/authorize");
    const response = await callbackOf(flow);
    expect(response.status).toBe(303);
    const [org] = await t.database.db.select().from(organizations).where(eq(organizations.tenantId, otherTenant));
    expect(org?.name).toBe("fabrikam.test");
  });

  describe("refuses with a 400 'please start again' page", () => {
    const admin = () => ({ tid: idp.tenantId, oid: randomUUID(), preferred_username: "ada@contoso.test", name: "Ada", roles: ["BusinessAdministrator"] });

    it("a wrong state", async () => {
      await entraApp();
      idp.user = admin();
      const flow = await startFlow();
      flow.callback.searchParams.set("state", "not-the-state-we-sent");
      await expectRefused(await callbackOf(flow));
    });

    it("missing cookies (started elsewhere or expired)", async () => {
      await entraApp();
      idp.user = admin();
      await expectRefused(await callbackOf(await startFlow(), ""));
    });

    it("an error from the provider", async () => {
      await entraApp();
      const flow = await startFlow();
      const state = flow.callback.searchParams.get("state")!;
      const response = await t.get(`/login/entra/callback?error=access_denied&error_description=User+cancelled&state=${state}`, { cookie: flow.cookies });
      await expectRefused(response);
    });

    const tampered: [string, (p: Record<string, unknown>) => void][] = [
      ["a wrong nonce", (p) => void (p.nonce = "someone-elses-nonce")],
      ["a wrong audience", (p) => void (p.aud = "another-application")],
      [
        "an expired token",
        (p) => {
          const now = Math.floor(Date.now() / 1000);
          Object.assign(p, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 });
        },
      ],
      ["another tenant's issuer", (p) => void (p.iss = `${idp.authority}/${randomUUID()}/v2.0`)],
      ["a token without an object id", (p) => void delete p.oid],
    ];
    for (const [name, tamper] of tampered) {
      it(name, async () => {
        await entraApp();
        idp.user = admin();
        idp.tamperNextIdToken(tamper);
        await expectRefused(await callbackOf(await startFlow()));
        expect(await t.database.db.select().from(sessions)).toHaveLength(0);
      });
    }

    it("a token signed by another key", async () => {
      await entraApp();
      idp.user = admin();
      idp.signNextIdTokenWithForeignKey();
      await expectRefused(await callbackOf(await startFlow()));
      expect(await t.database.db.select().from(organizations)).toHaveLength(0);
    });
  });
});
