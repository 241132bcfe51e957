// "Remind everyone invited more than N days ago" in a real Chromium, with JavaScript (a dialog
// that says how many, then says it is under way) and without (a page of its own, then the list
// with a message); the server's own reminder job and mail worker send the reminders.
import { and, eq, inArray } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, invitations, mailOutbox, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { actorFor } from "../support/security-fixtures.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Remind everyone in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let free: string[];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    const people = await server.deps.db
      .select({ mail: directoryPeople.mailNorm, member: members.id })
      .from(directoryPeople)
      .leftJoin(members, eq(members.personId, directoryPeople.id))
      .where(and(eq(directoryPeople.orgId, org!.id), eq(directoryPeople.accountEnabled, true)))
      .limit(400);
    free = people.filter((p) => !p.member && !/^(alex\.admin|casey\.member)@/.test(p.mail!)).map((p) => p.mail!);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Invites `emails`, waits for their emails to go, and dates them ten days back. */
  async function invitedLongAgo(emails: string[]): Promise<string[]> {
    const admin = await actorFor(server.deps.db, "alex.admin@contoso.example");
    const { outcomes } = await inviteMembers(server.deps.db, admin, { emails }, { publicUrl: server.url });
    server.deps.wake?.("mail");
    const ids = outcomes.map((o) => o.memberId!);
    await expect
      .poll(
        async () =>
          (await server.deps.db.select().from(invitations).where(inArray(invitations.memberId, ids))).filter((i) => i.deliveryStatus === "sent").length,
        { timeout: 10_000 },
      )
      .toBe(ids.length);
    await server.deps.db.write((tx) =>
      tx
        .update(invitations)
        .set({ lastSentAt: new Date(Date.now() - 10 * 86_400_000) })
        .where(inArray(invitations.memberId, ids)),
    );
    return (await server.deps.db.select({ id: invitations.id }).from(invitations).where(inArray(invitations.memberId, ids))).map((i) => i.id);
  }
  const reminders = async (ids: string[]) =>
    (
      await server.deps.db
        .select()
        .from(mailOutbox)
        .where(and(inArray(mailOutbox.invitationId, ids), eq(mailOutbox.kind, "reminder")))
    ).length;

  async function signIn(page: Page) {
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/users?status=invited`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users?status=invited`);
  }

  it("with JavaScript: the dialog says how many, and the reminders go", async () => {
    const ids = await invitedLongAgo(free.slice(0, 3));
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page);
    await page.getByRole("button", { name: "Remind everyone invited more than 7 days ago" }).click();
    const dialog = page.locator("dialog#remind-dialog");
    await dialog.getByRole("heading", { name: "Remind 3 people invited more than 7 days ago?" }).waitFor();
    await dialog.getByRole("button", { name: "Remind 3 people" }).click();
    await dialog.getByRole("heading", { name: "Reminding 3 people" }).waitFor();
    await expect.poll(() => reminders(ids), { timeout: 15_000 }).toBe(3);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("without JavaScript: a page of its own, then the list with a message", async () => {
    const ids = await invitedLongAgo(free.slice(3, 5));
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole("button", { name: "Remind everyone invited more than 7 days ago" }).click();
    await page.waitForURL(`${server.url}/users/remind`);
    await page.getByRole("heading", { name: "Remind 2 people invited more than 7 days ago?" }).waitFor();
    await page.getByRole("button", { name: "Remind 2 people" }).click();
    await page.waitForURL(/\/users\?status=invited&done=reminding:2$/);
    await expect(page.locator(".flash").textContent()).resolves.toContain("Reminders are on their way to 2 people.");
    await expect.poll(() => reminders(ids), { timeout: 15_000 }).toBe(2);
    await context.close();
  });
});
