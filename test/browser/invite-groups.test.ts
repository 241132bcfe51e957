// Invite a department in a real Chromium: type the department's name in Invite User, add the
// group with +, Invite, and see its people Invited (the demo's Field Services).
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Invite a department in a browser", () => {
  let server: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Field Services' people: those who can be invited now, and everyone's member status. */
  async function fieldServices() {
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    const people = await server.deps.db
      .select({ id: directoryPeople.id, mail: directoryPeople.mail, enabled: directoryPeople.accountEnabled, live: directoryPeople.liveMembers })
      .from(directoryPeople)
      .where(and(eq(directoryPeople.orgId, org!.id), eq(directoryPeople.departmentNorm, "field services"), isNull(directoryPeople.removedAt)));
    const statuses = await server.deps.db
      .select({ personId: members.personId, status: members.status })
      .from(members)
      .where(
        inArray(
          members.personId,
          people.map((p) => p.id),
        ),
      );
    const invitable = people.filter((p) => p.enabled && p.live === 0);
    return { invitable: invitable.length, first: invitable[0]?.mail, people, statuses };
  }

  it("types a department's name, adds the group, invites, and its people are Invited", async () => {
    const before = await fieldServices();
    expect(before.invitable).toBeGreaterThan(10);
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);

    await page.getByRole("button", { name: "Invite User" }).click();
    const dialog = page.locator("dialog#invite-dialog");
    const input = dialog.getByRole("combobox", { name: "Name or email" });
    await input.pressSequentially("field s", { delay: 40 });
    const option = dialog.getByRole("option", { name: /Field Services/ });
    await expect.poll(() => option.count()).toBe(1);
    await expect(option.textContent()).resolves.toContain(`Department · ${before.invitable} people can be invited`);
    await expect(option.getAttribute("data-group-id")).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await option.locator(".add-person").click();
    const chip = dialog.locator("#invite-chips .chip");
    await expect.poll(() => chip.textContent()).toBe(`Field Services (${before.invitable} people)×`);
    await expect(dialog.locator("#invite-search-status").textContent()).resolves.toContain("1 group to invite");
    await expect(option.getAttribute("aria-disabled")).resolves.toBe("true");

    await dialog.getByRole("button", { name: "Invite", exact: true }).click();
    const result = dialog.locator(".invite-result");
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain(`${before.invitable} people invited`);
    await expect(result.locator(".group-result h3").textContent()).resolves.toBe("Field Services");
    // Behind the dialog the list shows them: close it and look at the Invited filter.
    await dialog.getByRole("button", { name: "Done" }).click();
    await page.goto(`${server.url}/users?status=invited&q=${encodeURIComponent(before.first!)}`);
    const row = page.locator("#user-results tbody tr").filter({ hasText: before.first! });
    await expect(row.locator(".badge-invited").textContent()).resolves.toBe("Invited");
    const after = await fieldServices();
    expect(after.invitable).toBe(0);
    const invitedNow = after.statuses.filter((s) => s.status === "invited").length - before.statuses.filter((s) => s.status === "invited").length;
    expect(invitedNow).toBe(before.invitable);
    expect(errors).toEqual([]);
  });
});
