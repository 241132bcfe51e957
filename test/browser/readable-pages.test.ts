// Pages that read well from a phone to a desktop, measured in a real Chromium: at 1,280 pixels
// the Users table breaks an address only after "@" or "." (once: "aaliyah.foster@contoso.e
// xample") and keeps a short one on one line; the import page shows its "Progress of …"
// heading; at 360 pixels no page is wider than the screen (the Users page once was, by 95
// pixels: a visually hidden header cell outside the table's scrolling box).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createImport } from "../../src/domain/imports.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { actorFor } from "../support/security-fixtures.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

/** Every line break inside an address cell, as the character it comes after (measured per character). */
async function addressBreaks(page: Page): Promise<{ address: string; after: string; lines: number }[]> {
  return page.evaluate(() => {
    const found: { address: string; after: string; lines: number }[] = [];
    for (const cell of document.querySelectorAll<HTMLElement>("td.email")) {
      if (cell.offsetParent === null) continue; // hidden (the phone layout)
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let top: number | null = null;
      let previous = "";
      let lines = 1;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? "";
        for (let i = 0; i < text.length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (top !== null && rect.top > top + rect.height / 2) {
            found.push({ address: cell.textContent ?? "", after: previous, lines: 0 });
            lines++;
          }
          top = rect.top;
          previous = text[i]!;
        }
      }
      found.push({ address: cell.textContent ?? "", after: "", lines });
    }
    return found;
  });
}

describe.skipIf(!browserAvailable())("Readable pages in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let importId: string;

  beforeAll(async () => {
    server = await startTestServer({ env: { WORKERS: "false" } });
    browser = await launchBrowser();
    const admin = await actorFor(server.deps.db, "alex.admin@contoso.example");
    const created = await createImport(
      server.deps.db,
      admin,
      { fileName: "team-march.csv", bytes: new TextEncoder().encode("email\nnot an address\n") },
      { maxBytes: 1 << 20, maxRows: 100 },
    );
    if (!created.ok) throw new Error(created.message);
    importId = created.importId;
    await drainImports({ db: server.deps.db, publicUrl: server.url });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("at 1,280 pixels breaks no address in the Users table inside a word, and keeps short ones on one line", async () => {
    const page = await context.newPage();
    for (const path of ["/users", "/users?status=invited", "/users?status=archived"]) {
      await page.goto(server.url + path);
      const breaks = await addressBreaks(page);
      expect(breaks.length, path).toBeGreaterThan(10);
      expect(
        breaks.filter((b) => b.lines === 0 && b.after !== "@" && b.after !== "."),
        path,
      ).toEqual([]);
      // "aaliyah.foster@contoso.example" (30 characters) and its like fit on one line.
      expect(
        breaks.filter((b) => b.lines > 1 && b.address.length <= 30).map((b) => b.address),
        path,
      ).toEqual([]);
    }
    await page.close();
  });

  it("shows the import page's heading on screen", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/imports/${importId}`);
    const heading = page.getByRole("heading", { name: "Progress of team-march.csv" });
    const box = await heading.boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    expect(box?.height).toBeGreaterThan(10);
    await page.close();
  });

  it("at 360 pixels no page scrolls sideways; the Users table scrolls inside its own box", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 360, height: 780 });
    for (const path of [
      "/users",
      "/users?status=invited",
      "/users?q=aa",
      "/activity",
      "/settings",
      "/outbox",
      "/imports",
      `/imports/${importId}`,
      "/imports/new",
      "/users/invite",
    ]) {
      await page.goto(server.url + path);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(scrollWidth, path).toBeLessThanOrEqual(innerWidth);
    }
    await page.goto(`${server.url}/users`);
    const wrap = await page.locator("#user-results .table-wrap").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(wrap.client).toBeLessThanOrEqual(360);
    // The address is readable on a phone: under the name, broken only after "@" or ".".
    const under = await page.locator("#user-rows tr").first().locator(".mobile-only.email").innerHTML();
    expect(under).toMatch(/@<wbr>/);
    await page.close();
  });
});
