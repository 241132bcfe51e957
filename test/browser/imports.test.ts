// Bulk upload in a real Chromium: open the dialog from the Users page, upload a file, watch the
// bar reach done, Send Invite, download the error log. Then the same with JavaScript turned off:
// plain form posts, and the import page refreshing itself until the job is done.
import { readFileSync } from "node:fs";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, imports, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Bulk upload in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let addresses: string[];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    // Enabled directory people who are not members yet.
    const free = await server.deps.db
      .select({ mail: directoryPeople.mailNorm })
      .from(directoryPeople)
      .leftJoin(members, eq(members.personId, directoryPeople.id))
      .where(and(eq(directoryPeople.orgId, org!.id), eq(directoryPeople.accountEnabled, true), isNull(members.id), isNull(directoryPeople.removedAt)))
      .orderBy(sql`${directoryPeople.mailNorm} desc`)
      .limit(60);
    addresses = free.map((p) => p.mail!).filter((m) => !m.startsWith("alex.admin") && !m.startsWith("casey.member"));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page) {
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);
  }

  const invitedCount = async (emails: string[]) =>
    (await server.deps.db.select({ email: members.emailNorm }).from(members)).filter((m) => emails.includes(m.email)).length;

  it("uploads from the dialog, shows progress to done, sends the invitations and downloads the error log", async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await signIn(page);

    const ready = addresses.slice(0, 20);
    const file = [
      "E-mail;Name",
      ...ready.map((a, i) => `${a};Person ${i}`),
      `${ready[0]!.toUpperCase()};Again`,
      "not an address;Oops",
      "ghost.person@contoso.example;Ghost",
      `=cmd|' /C calc'!A0;Formula`,
    ].join("\r\n");

    await page.getByRole("button", { name: "Bulk upload users" }).click();
    const dialog = page.locator("dialog#import-dialog");
    await dialog.getByRole("heading", { name: "Bulk upload users" }).waitFor();
    await expect(dialog.getByRole("link", { name: "Download a sample CSV" }).getAttribute("href")).resolves.toBe("/imports/sample.csv");
    await dialog.getByLabel("CSV or Excel file").setInputFiles({ name: "team <b>march.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    await dialog.getByRole("button", { name: "Upload" }).click();

    // The widget replaces the form, with a bar that ends at the total; no live region reads it
    // out every second: the page's one status element says the check started.
    const status = dialog.locator(".import-status");
    await status.waitFor();
    await expect(page.locator("[aria-live] .import-status, [role=status] .import-status").count()).resolves.toBe(0);
    await expect.poll(() => page.locator("#page-status").textContent()).toMatch(/^(Checking rows started|Check finished)/);
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain("Checked 24 rows");
    await expect(status.getAttribute("hx-trigger")).resolves.toBeNull();
    await expect(status.locator(".summary-ready .count").textContent()).resolves.toBe("20");
    await expect(status.locator(".summary-skipped .count").textContent()).resolves.toBe("1");
    await expect(status.locator(".summary-errors .count").textContent()).resolves.toBe("3");

    await status.getByRole("button", { name: "Send Invite" }).click();
    await expect.poll(() => dialog.locator(".import-status").textContent(), { timeout: 20_000 }).toContain("People invited");
    await expect.poll(() => invitedCount(ready)).toBe(20);

    const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("link", { name: "Download error log" }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").trim().split("\r\n");
    expect(lines[0]).toBe("row,email,problem,suggestion,detail");
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual([
      `22,${ready[0]!.toUpperCase()},duplicate_in_file`,
      "23,not an address,invalid_format",
      "24,ghost.person@contoso.example,not_in_directory",
      "25,'=cmd|' /C calc'!A0,invalid_format",
    ]);

    // Closing the dialog and opening the import page shows the same state; the Users page lists it.
    await page.goto(`${server.url}/users`);
    const recent = page.locator(".recent-imports");
    await expect(recent.textContent()).resolves.toContain("team <b>march.csv");
    await recent.getByRole("link", { name: "team <b>march.csv" }).click();
    await expect(page.locator(".import-status").textContent()).resolves.toContain("20 people were invited");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("after Send Invite in the dialog, Done closes it and the list behind already shows the new counts", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    const invitedTab = page.locator("#status-filter a", { hasText: "Invited" }).locator(".count");
    const before = Number((await invitedTab.textContent())!.replace(/\D/g, ""));
    const ready = addresses.slice(45, 50);
    await page.getByRole("button", { name: "Bulk upload users" }).click();
    const dialog = page.locator("dialog#import-dialog");
    await dialog.getByLabel("CSV or Excel file").setInputFiles({ name: "five.csv", mimeType: "text/csv", buffer: Buffer.from(["email", ...ready].join("\n")) });
    await dialog.getByRole("button", { name: "Upload" }).click();
    await dialog.getByRole("button", { name: "Send Invite" }).click();
    await expect.poll(() => dialog.locator(".import-status").textContent(), { timeout: 20_000 }).toContain("People invited");

    // Behind the dialog, without a reload: the counts, the new rows and the upload's state.
    await expect.poll(async () => Number((await invitedTab.textContent())!.replace(/\D/g, ""))).toBe(before + 5);
    await expect(page.locator("#recent-imports").textContent()).resolves.toMatch(/five\.csv\s*Invited/);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    expect(page.url()).toBe(`${server.url}/users`);
    await context.close();
  });

  it("works without JavaScript: plain posts and a page that refreshes itself until done", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    const ready = addresses.slice(30, 40);
    await page.getByRole("button", { name: "Bulk upload users" }).click();
    await page.waitForURL(`${server.url}/imports/new`);
    await page.getByLabel("CSV or Excel file").setInputFiles({ name: "nojs.csv", mimeType: "text/csv", buffer: Buffer.from(["email", ...ready].join("\n")) });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator(".import-status").textContent(), { timeout: 15_000 }).toContain("Checked 10 rows");
    await page.getByRole("button", { name: "Send Invite" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator(".import-status").textContent(), { timeout: 15_000 }).toContain("People invited");
    expect(await invitedCount(ready)).toBe(10);

    // A refused file comes back on the form with the reason.
    await page.goto(`${server.url}/imports/new`);
    await page.getByLabel("CSV or Excel file").setInputFiles({ name: "empty.csv", mimeType: "text/csv", buffer: Buffer.from("") });
    await page.getByRole("button", { name: "Upload" }).click();
    await expect(page.locator(".field-error").textContent()).resolves.toContain("The file is empty");
    const count = (await server.deps.db.select({ n: sql<number>`count(*)` }).from(imports).where(eq(imports.fileName, "empty.csv")))[0]!.n;
    expect(count).toBe(0);
    await context.close();
  });
});
