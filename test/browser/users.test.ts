// The Users page in a real Chromium: sign in locally, filter, search as you type; and the
// same journey with JavaScript turned off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { and, eq } from "drizzle-orm";
import { members } from "../../src/db/schema.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Users page in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let target: { name: string; email: string };

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const [row] = await server.deps.db
      .select()
      .from(members)
      .where(and(eq(members.status, "invited")))
      .orderBy(members.sortName)
      .limit(1)
      .offset(120);
    target = { name: row!.name, email: row!.email };
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`signs in, filters to Invited and finds a person by name (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(`${server.url}/users`);
      await expect(page.getByRole("heading", { name: "Sign in to the admin center" }).isVisible()).resolves.toBe(true);
      await page.getByLabel("Work email").fill("alex.admin@contoso.example");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.url}/users`);
      await expect(page.locator(".local-banner").isVisible()).resolves.toBe(true);

      await page.getByRole("link", { name: /^Invited/ }).click();
      await page.waitForURL(/status=invited/);
      const search = page.getByRole("searchbox", { name: "Search by name or email" });
      const prefix = target.name.split(" ")[0]!.slice(0, 4);
      if (javaScriptEnabled) {
        await search.pressSequentially(target.name.slice(0, 6), { delay: 30 });
        await page.waitForURL((url) => url.searchParams.get("q") === target.name.slice(0, 6));
        expect(new URL(page.url()).searchParams.get("status")).toBe("invited");
      } else {
        await search.fill(prefix);
        await page.getByRole("button", { name: "Search" }).click();
        await page.waitForURL(/q=/);
      }
      const row = page.locator("#user-rows tr", { hasText: target.email });
      await row.waitFor();
      await expect(row.locator(".badge-invited").textContent()).resolves.toBe("Invited");
      expect(await page.locator("#user-rows .badge-active").count()).toBe(0);

      // The filtered, searched view is a link that can be bookmarked and shared.
      const bookmarked = await context.newPage();
      await bookmarked.goto(page.url());
      await bookmarked.locator("#user-rows tr", { hasText: target.email }).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
