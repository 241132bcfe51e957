// The Users table's row actions in a real Chromium, with JavaScript on and off: the FIRST row's
// button must act on the first row's person (a form nested in the table's form was dropped by the
// HTML parser, so that button once submitted Archive selected instead), and without JavaScript the
// answer comes back to the same filter.
import { and, eq, sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox, members } from "../../src/db/schema.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("the Users table's row actions in a browser", () => {
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

  async function signIn(page: Page) {
    page.setDefaultTimeout(8_000);
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);
  }

  const db = () => server.deps.db;
  const mailsTo = async (email: string) => (await db().select({ n: sql<number>`count(*)` }).from(mailOutbox).where(eq(mailOutbox.to, email)))[0]!.n;
  const statusOf = async (email: string) => (await db().select({ s: members.status }).from(members).where(eq(members.email, email)))[0]?.s;
  const count = async (status: "invited" | "active" | "archived") =>
    (
      await db()
        .select({ n: sql<number>`count(*)` })
        .from(members)
        .where(and(eq(members.status, status)))
    )[0]!.n;

  for (const javaScriptEnabled of [true, false]) {
    const js = `JavaScript ${javaScriptEnabled ? "on" : "off"}`;

    it(`the first row's Resend invitation resends that person's invitation and nothing else (${js})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await signIn(page);
      await page.goto(`${server.url}/users?status=invited`);
      const first = page.locator("#user-rows tr").first();
      const email = (await first.locator("td.email").textContent())!.trim();
      const [mailsBefore, archivedBefore] = [await mailsTo(email), await count("archived")];

      await first.getByRole("button", { name: /^Resend invitation/ }).click();
      if (javaScriptEnabled) {
        await expect.poll(() => page.locator("#row-action-flash").textContent()).toMatch(new RegExp(`sent (again )?to ${email.replace(/[.]/g, "\\.")}`));
      } else {
        await page.waitForURL(/done=/);
        expect(new URL(page.url()).searchParams.get("status")).toBe("invited");
        await expect(page.locator(".flash").first().textContent()).resolves.toMatch(/Invitation sent again|new invitation link was sent/);
      }
      expect(await mailsTo(email)).toBe(mailsBefore + 1);
      expect(await statusOf(email)).toBe("invited");
      expect(await count("archived")).toBe(archivedBefore);
      await expect(page.getByText("Select the users to archive first").count()).resolves.toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`the first row's Invite again invites that person again (${js})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      await signIn(page);
      await page.goto(`${server.url}/users?status=archived`);
      const first = page.locator("#user-rows tr").first();
      const email = (await first.locator("td.email").textContent())!.trim();
      expect(await statusOf(email)).toBe("archived");

      await first.getByRole("button", { name: /^Invite again/ }).click();
      if (javaScriptEnabled) {
        await expect.poll(() => page.locator("#row-action-flash").textContent()).toContain("invited again");
        await expect(page.locator(`#user-rows tr`, { hasText: email }).locator(".badge-invited").count()).resolves.toBe(1);
      } else {
        await page.waitForURL(/done=reinvited/);
        expect(new URL(page.url()).searchParams.get("status")).toBe("archived");
      }
      expect(await statusOf(email)).toBe("invited");
      await context.close();
    });
  }

  it("after an action in place, focus lands on the replaced row's first action", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${server.url}/users?status=invited`);
    const first = page.locator("#user-rows tr").first();
    const id = await first.getAttribute("id");
    await first.getByRole("button", { name: /^Resend invitation/ }).click();
    await expect.poll(() => page.locator("#row-action-flash").count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest("tr")?.id ?? null)).toBe(id);
    await context.close();
  });
});
