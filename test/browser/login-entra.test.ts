// Sign in with Microsoft in a real Chromium: the app on 127.0.0.1 with Entra configured, the
// OpenID provider (oauth2-mock-server) and Graph stand-ins on 127.0.0.1. The first Business
// Administrator of a tenant creates the organization, whose directory is then synced from Graph.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, organizations } from "../../src/db/schema.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn } from "../support/graph-stand-in.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";

describe.skipIf(!browserAvailable())("Sign in with Microsoft in a browser", () => {
  let idp: OidcStandIn;
  let graph: GraphStandIn;
  let server: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    idp = await startOidcStandIn();
    graph = await startGraphStandIn();
    graph.addUsers(makeUsers(250));
    server = await startTestServer({
      seedDemo: false,
      env: {
        ENTRA_CLIENT_ID: GRAPH_CLIENT.id,
        ENTRA_CLIENT_SECRET: GRAPH_CLIENT.secret,
        ENTRA_TENANT_ID: idp.tenantId,
        ENTRA_AUTHORITY: idp.authority,
        ENTRA_ADMIN_ROLE: "BusinessAdministrator",
        GRAPH_BASE_URL: graph.baseUrl,
        GRAPH_TOKEN_URL: graph.tokenUrl,
        MAIL_TRANSPORT: "outbox",
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await graph?.stop();
    await idp?.stop();
  });

  it("clicks Sign in with Microsoft, is redirected there, and comes back signed in as an admin", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "ada.admin@fabrikam.test", name: "Ada Admin", roles: ["BusinessAdministrator"] };
    const context = await browser.newContext();
    const page = await context.newPage();
    const visited: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) visited.push(r.url());
    });
    await page.goto(`${server.url}/users`);
    await expect(page.locator("form[action='/login/local']").count()).resolves.toBe(0);
    await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
    await page.waitForURL(`${server.url}/users`);
    expect(visited.some((u) => u.startsWith(`${idp.authority}/${idp.tenantId}/oauth2/v2.0/authorize?`))).toBe(true);
    expect(visited.some((u) => u.startsWith(`${server.url}/login/entra/callback?code=`))).toBe(true);
    await expect(page.locator(".app-header .org").textContent()).resolves.toBe("fabrikam.test");
    await expect(page.locator(".app-header .person").textContent()).resolves.toBe("Ada Admin");
    await expect(page.locator("nav.side-nav").isVisible()).resolves.toBe(true);
    await expect(page.locator(".local-banner").count()).resolves.toBe(0);

    // The new organization's directory arrives from Graph in the background.
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.tenantId, idp.tenantId));
    let people = 0;
    for (let i = 0; i < 100 && people < 251; i++) {
      people = (await server.deps.db.select().from(directoryPeople).where(eq(directoryPeople.orgId, org!.id))).length;
      if (people < 251) await new Promise((r) => setTimeout(r, 50));
    }
    expect(people).toBe(251); // 250 from Graph + the admin who signed in (not in the stand-in's list)
    await context.close();
  });

  it("shows a member without the role the ask-your-global-admin page", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "casey@fabrikam.test", name: "Casey Member", roles: [] };
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByRole("link", { name: "Sign in with Microsoft" }).click();
    await page.waitForURL(`${server.url}/users`);
    await expect(page.getByRole("heading", { name: "You need the Business Administrator role" }).isVisible()).resolves.toBe(true);
    await expect(page.locator("nav.side-nav").count()).resolves.toBe(0);
    await context.close();
  });
});
