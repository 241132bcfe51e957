// Problems on the page in a real Chromium: an upload that finishes while the admin watches the
// dialog shows the table of problem rows, grouped by problem, without a reload; "Use this
// address" on a typo invites that person there and then.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Problem rows in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let free: { mail: string; name: string }[];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    const rows = await server.deps.db
      .select({ mail: directoryPeople.mailNorm, name: directoryPeople.displayName })
      .from(directoryPeople)
      .leftJoin(members, eq(members.personId, directoryPeople.id))
      .where(and(eq(directoryPeople.orgId, org!.id), eq(directoryPeople.accountEnabled, true), isNull(members.id), isNull(directoryPeople.removedAt)))
      .orderBy(sql`${directoryPeople.mailNorm} desc`)
      .limit(20);
    free = rows.filter((p) => /^[a-z]+\.[a-z]+@contoso\.example$/.test(p.mail!)).map((p) => ({ mail: p.mail!, name: p.name }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the problem table when the check finishes, without a reload, and Use this address invites the person", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);

    const [ready, typoOf] = [free[0]!, free[1]!];
    const [local, domain] = typoOf.mail.split("@") as [string, string];
    const typo = `${local.slice(0, 2)}${local[3]}${local[2]}${local.slice(4)}@${domain}`; // two letters swapped
    const file = ["email", ready.mail, typo, "not an address", "ghost.nobody@contoso.example"].join("\n");
    await page.getByRole("button", { name: "Bulk upload users" }).click();
    const dialog = page.locator("dialog#import-dialog");
    await dialog.getByLabel("CSV or Excel file").setInputFiles({ name: "problems.csv", mimeType: "text/csv", buffer: Buffer.from(file) });
    let reloaded = false;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) reloaded = true;
    });
    await dialog.getByRole("button", { name: "Upload" }).click();
    await expect.poll(() => dialog.locator(".import-status").textContent(), { timeout: 15_000 }).toContain("Checked 4 rows");

    const problems = dialog.locator("#import-problems");
    await problems.getByRole("heading", { name: "Rows that will not be invited" }).waitFor();
    expect(await problems.locator("h3").allTextContents()).toEqual(["Possible typo (1)", "Not an email address (1)", "Not in directory (1)"]);
    await expect(problems.textContent()).resolves.toContain(`Did you mean ${typoOf.mail} (${typoOf.name})?`);
    await problems.getByRole("button", { name: `Use this address for row 3: ${typoOf.mail}` }).click();
    await problems.getByText(`Row 3: invited at ${typoOf.mail}.`).waitFor();
    await expect(dialog.locator(".summary-invited .count").textContent()).resolves.toBe("1");
    const [member] = await server.deps.db.select().from(members).where(eq(members.emailNorm, typoOf.mail));
    expect(member?.status).toBe("invited");
    expect(reloaded).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });
});
