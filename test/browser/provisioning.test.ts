// Settings → Provisioning in a real Chromium: Generate token shows the secret once in
// <output id="scim-token">, with htmx (a new token asks to confirm first) and with JavaScript off
// (plain form post, 303, the page shows it once); the shown token is the one the SCIM endpoint takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Settings → Provisioning in a browser", () => {
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
    await page.goto(`${server.url}/settings/provisioning`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/settings/provisioning`);
  }
  const works = async (token: string) => (await fetch(`${server.url}/scim/v2/Users`, { headers: { Authorization: `Bearer ${token}` } })).status;

  for (const javaScriptEnabled of [true, false]) {
    it(`generates a token shown once, and a new one that replaces it (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      await signIn(page);
      await expect(page.getByLabel("Tenant URL").inputValue()).resolves.toBe(`${server.url}/scim/v2`);
      await page.getByRole("button", { name: /Generate (a new )?token/ }).click();
      const first = (await page.locator("#scim-token").textContent())!;
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await works(first)).toBe(200);

      await page.getByRole("button", { name: "Generate a new token" }).click();
      await page.locator("#scim-token", { hasNotText: first }).waitFor();
      const second = (await page.locator("#scim-token").textContent())!;
      expect(second).not.toBe(first);
      expect(await works(first)).toBe(401);
      expect(await works(second)).toBe(200);
      if (javaScriptEnabled) {
        expect(page.url()).toBe(`${server.url}/settings/provisioning`);
        expect(dialogs).toEqual([expect.stringContaining("The current one stops working at once")]);
      }
      // Shown once: the page reloaded shows no token.
      await page.reload();
      await expect(page.locator("#scim-token").count()).resolves.toBe(0);
      await expect(page.locator("#scim-token-section").textContent()).resolves.toContain("Last used: just now");
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
