// "Sync now" and the last-sync line on the Users page (Entra mode only).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { directorySyncs, organizations } from "../../src/db/schema.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";

const ENTRA = {
  ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  ENTRA_CLIENT_SECRET: "s",
  ENTRA_TENANT_ID: "organizations",
  ENTRA_AUTHORITY: "http://127.0.0.1:9",
};

describe("Sync now", () => {
  let t: TestApp;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestApp({ env: ENTRA });
    orgId = (await createOrganization(t.deps.db, { name: "Tailspin", domain: "tailspin.example" })).id;
    await t.deps.db.write((tx) => tx.update(organizations).set({ tenantId: "aaaaaaaa-0000-0000-0000-000000000001" }).where(eq(organizations.id, orgId)));
  });
  afterAll(() => t.close());

  it("shows the directory line on the Users page and queues one sync however often it is pressed", async () => {
    const admin = await t.signInAs("admin@tailspin.example");
    expect(await (await t.get("/users", { cookie: admin })).text()).toContain("not synced with Microsoft Entra ID yet");
    const first = await t.post("/directory/sync", {}, { cookie: admin, htmx: true });
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain("waiting to start");
    expect(html).toContain('hx-trigger="every 2s"');
    const plain = await t.post("/directory/sync", {}, { cookie: admin });
    expect(plain.status).toBe(303);
    const rows = await t.deps.db.select().from(directorySyncs).where(eq(directorySyncs.orgId, orgId));
    expect(rows.map((r) => r.status)).toEqual(["queued"]);
    // The Users page shows it in Latin-1 (test/routes/users-page-latin1.test.ts): the ellipsis is an entity.
    const page = await (await t.get("/users", { cookie: admin })).text();
    expect(page).toContain("sync waiting to start&hellip;");
    expect([...page].filter((ch) => ch.codePointAt(0)! > 0xff)).toEqual([]);
  });

  it("shows a finished sync without a poll, with its counts", async () => {
    const admin = await t.signInAs("admin@tailspin.example");
    await t.deps.db.write((tx) =>
      tx
        .update(directorySyncs)
        .set({ status: "succeeded", added: 1234, updated: 5, removed: 2, finishedAt: new Date() })
        .where(eq(directorySyncs.orgId, orgId)),
    );
    const html = await (await t.get("/directory/sync", { cookie: admin, htmx: true })).text();
    expect(html).toContain("1,234 added, 5 updated, 2 removed");
    expect(html).not.toContain("every 2s");
  });

  it("is refused to a member without the role (403)", async () => {
    const member = await t.signInAs("member@tailspin.example");
    expect((await t.post("/directory/sync", {}, { cookie: member })).status).toBe(403);
  });

  it("does not exist in local mode", async () => {
    const local = await createTestApp({ seedDemo: true });
    const admin = await local.signInAs("alex.admin@contoso.example");
    expect((await local.post("/directory/sync", {}, { cookie: admin })).status).toBe(404);
    expect(await (await local.get("/users", { cookie: admin })).text()).not.toContain("Sync now");
    local.close();
  });
});
