// After Sign out, the browser's Back button must not show an admin page from its cache: the page
// is asked for again, and the signed-out browser is sent to sign in.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Back after Sign out", () => {
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

  for (const javaScriptEnabled of [true, false]) {
    it(`shows the sign-in page, not the Activity page from the cache (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      await page.goto(`${server.url}/users`);
      await page.getByLabel("Work email").fill("alex.admin@contoso.example");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${server.url}/users`);
      await page.getByRole("link", { name: "Activity" }).click();
      await page.waitForURL(`${server.url}/activity`);
      await page.getByRole("heading", { name: "Activity", level: 1 }).waitFor();

      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/login/);
      await page.goBack();
      await page.waitForLoadState("load");
      await expect(page.getByRole("heading", { name: "Sign in to the admin center" }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole("heading", { name: "Activity", level: 1 }).count()).resolves.toBe(0);
      await context.close();
    });
  }
});
