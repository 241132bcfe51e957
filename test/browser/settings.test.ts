// Settings and Activity in a real Chromium: a refused rate shows its message beside the field
// with the input kept, a good one changes the rate in force and appears in the activity log; the
// same journey with JavaScript turned off.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

describe.skipIf(!browserAvailable())("Settings and Activity in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page) {
    await page.goto(`${server.url}/settings`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/settings`);
  }

  const journeys: [boolean, string, string][] = [
    [true, "0.745", "$0.745"],
    [false, "0.76", "$0.76"],
  ];
  for (const [javaScriptEnabled, typed, shown] of journeys) {
    it(`refuses a bad rate, saves a good one and sees it in the activity log (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error" && !/422/.test(m.text())) errors.push(m.text());
      });
      await signIn(page);
      await expect(page.locator(".rate-in-force").textContent()).resolves.toMatch(new RegExp(`Rate in force for ${year}: \\$0\\.7\\d+ per mile`));

      const rate = page.getByLabel("New rate (dollars per mile)");
      await rate.fill("7.25");
      await page.getByRole("button", { name: "Save rate" }).click();
      const error = page.locator("#rate-error");
      await error.waitFor();
      await expect(error.textContent()).resolves.toBe("The rate cannot be more than $5 per mile.");
      const kept = page.getByLabel("New rate (dollars per mile)");
      await expect(kept.inputValue()).resolves.toBe("7.25");
      await expect(kept.getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(kept.getAttribute("aria-describedby")).resolves.toContain("rate-error");
      if (javaScriptEnabled) {
        // htmx swapped the form in place and focused the field that needs fixing.
        expect(page.url()).toBe(`${server.url}/settings`);
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("rate");
      }

      await kept.fill(typed);
      await page.getByRole("button", { name: "Save rate" }).click();
      await page.locator(".flash", { hasText: `The ${year} rate is now ${shown} per mile.` }).waitFor();
      await expect(page.locator(".rate-in-force").textContent()).resolves.toBe(`Rate in force for ${year}: ${shown} per mile`);
      await expect(page.locator("table.rate-history tbody tr").first().textContent()).resolves.toContain(`→ ${shown}`);

      await page.getByRole("link", { name: "Activity" }).click();
      await page.waitForURL(`${server.url}/activity`);
      const first = page.locator("table.activity tbody tr").first();
      await expect(first.textContent()).resolves.toContain(`to ${shown} per mile`);
      await expect(first.textContent()).resolves.toContain("Alex");

      // Filter by action: htmx swaps the results and pushes a bookmarkable URL; without JS, the Filter button.
      await page.getByLabel("Action").selectOption("rate.change");
      if (!javaScriptEnabled) await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/action=rate\.change/);
      await page.locator(".results-head strong", { hasText: "Mileage rate changes" }).waitFor();
      const rows = page.locator("table.activity tbody tr");
      for (const text of await rows.allTextContents()) expect(text).toContain("mileage rate");
      const download = await context.request.get(`${server.url}/activity.csv?action=rate.change`);
      expect(await download.text()).toContain(`to ${shown} per mile`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
