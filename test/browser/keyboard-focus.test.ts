// Keyboard and screen-reader users in a real Chromium (issue 17): after every htmx update focus
// is on the thing that changed or on the message that says what happened, never on <body>; Tab
// leaves the type-ahead; the page's one status element says what happened in a few words; every
// page reflows at 320 CSS pixels, has one h1 and a title that follows the view; dialogs are named
// from their heading and open on a safe element; controls' borders are visible (3:1).
// One server and one browser for the file; the import worker runs only when the test drains it.
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { createImport } from "../../src/domain/imports.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";
import { actorFor } from "../support/security-fixtures.js";

const ALEX = "alex.admin@contoso.example";

const person = (first: string) => ({
  entraObjectId: null,
  userPrincipalName: `focus.${first.toLowerCase()}@contoso.example`,
  mail: `focus.${first.toLowerCase()}@contoso.example`,
  displayName: `Focus ${first}`,
  givenName: "Focus",
  surname: first,
  jobTitle: "Driver",
  department: null,
  accountEnabled: true,
});

describe.skipIf(!browserAvailable())("keyboard and screen-reader users", () => {
  let server: RunningApp;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startTestServer({ env: { WORKERS: "false" } });
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    await server.deps.db.write((tx) => upsertDirectoryPeople(tx, org!.id, [person("Alpha"), person("Beta"), person("Gamma")]));
    context = await browser.newContext(); // the real CSP
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Work email").fill(ALEX);
    await Promise.all([page.waitForURL(`${server.url}/users`), page.getByRole("button", { name: "Sign in" }).click()]);
    await page.close();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("close", () => expect(errors, `script errors on ${path}`).toEqual([]));
    await page.goto(`${server.url}${path}`);
    return page;
  }

  /** Presses Tab until `target` has the focus. */
  async function tabTo(page: Page, target: Locator, what: string) {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    }
    throw new Error(`Tab never reached ${what}`);
  }
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement;
      return {
        tag: el?.tagName ?? "",
        id: el?.id ?? "",
        row: el?.closest("tr")?.id ?? "",
        text: (el?.textContent ?? "").trim().slice(0, 200),
        inside: el?.closest("[id]")?.id ?? "",
      };
    });
  const liveStatus = (page: Page) =>
    page
      .locator("#page-status")
      .textContent()
      .then((t) => (t ?? "").trim());

  it("Resend invitation and Invite again on a later row keep focus on that row, and the status says what happened", async () => {
    const page = await open("/users?status=invited");
    const row = page.locator("#user-rows tr").nth(2);
    const rowId = await row.getAttribute("id");
    const email = (await row.locator("td.email").textContent())!.trim();
    await tabTo(page, row.getByRole("button", { name: /^Resend invitation/ }), "Resend invitation on row 3");
    await page.keyboard.press("Enter");
    await expect.poll(() => liveStatus(page)).toContain(email);
    await expect.poll(async () => (await focused(page)).row).toBe(rowId);

    await page.goto(`${server.url}/users?status=archived`);
    const archived = page.locator("#user-rows tr").nth(1);
    const archivedId = await archived.getAttribute("id");
    await tabTo(page, archived.getByRole("button", { name: /^Invite again/ }), "Invite again on row 2");
    await page.keyboard.press("Enter");
    await expect.poll(() => liveStatus(page)).toMatch(/invited again/);
    await expect.poll(async () => (await focused(page)).row).toBe(archivedId);
    await page.close();
  });

  it("Tab leaves the type-ahead for the next control, and Invite puts focus on the result", async () => {
    const page = await open("/users");
    await tabTo(page, page.getByRole("button", { name: "Invite User" }), "Invite User");
    await page.keyboard.press("Space");
    const dialog = page.locator("dialog#invite-dialog");
    await expect
      .poll(() => dialog.evaluate((d) => d.getAttribute("aria-labelledby") && document.getElementById(d.getAttribute("aria-labelledby")!)?.textContent))
      .toBe("Invite User");
    const input = dialog.getByRole("combobox", { name: "Name or email" });
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("focus.ga", { delay: 20 });
    await expect.poll(() => dialog.getByRole("option").count()).toBe(1);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await expect.poll(() => dialog.locator("#invite-chips .chip").count()).toBe(1);
    // The combobox's description says what is true now: typing drops "Added …".
    const description = dialog.locator("#invite-search-status");
    await expect.poll(() => description.textContent()).toMatch(/^Added Focus Gamma/);
    await page.keyboard.type("x"); // at once, before the search (200 ms debounce) answers
    expect(await description.textContent()).not.toMatch(/Added/);
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Tab");
    const after = await focused(page);
    expect(after.id).not.toBe("invite-listbox");
    expect(after.tag).not.toBe("BODY");
    await page.waitForTimeout(300); // the popup closes 150 ms after focus leaves
    const later = await focused(page);
    expect(later).toEqual(after);
    expect(later.tag).toBe("BUTTON");

    await tabTo(page, dialog.getByRole("button", { name: "Invite", exact: true }), "Invite");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focused(page)).text).toMatch(/1 person invited/);
    expect((await focused(page)).inside).toBe("invite-result-message");
    await page.close();
  });

  it("Upload in the dialog and Send Invite keep focus on the progress, and the status says when the check starts and finishes", async () => {
    const page = await open("/users");
    await tabTo(page, page.getByRole("button", { name: "Bulk upload users" }), "Bulk upload users");
    await page.keyboard.press("Space");
    const dialog = page.locator("dialog#import-dialog");
    await dialog.locator("input[type=file]").waitFor();
    // Opens on the heading or the file field, never on "Download a sample CSV".
    await expect.poll(async () => (await focused(page)).id).toMatch(/^(bulk-upload-title|import-file)$/);
    await dialog.locator("input[type=file]").setInputFiles({
      name: "people.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("email\r\nfocus.alpha@contoso.example\r\nnot an address\r\nfocus.beta@contoso.example\r\n"),
    });
    await tabTo(page, dialog.getByRole("button", { name: "Upload" }), "Upload");
    await page.keyboard.press("Enter");
    await expect.poll(() => liveStatus(page)).toBe("Checking rows started.");
    expect((await focused(page)).id).toBe("import-panel-title");
    await drainImports({ db: server.deps.db, publicUrl: server.url });
    await expect.poll(() => liveStatus(page), { timeout: 5_000 }).toBe("Check finished: 2 ready, 0 skipped, 1 with errors.");
    // The progress bar is not read out: no live region holds it.
    expect(await page.locator("[aria-live] progress, [role=status] progress").count()).toBe(0);
    await tabTo(page, dialog.getByRole("button", { name: "Send Invite" }), "Send Invite");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focused(page)).text).toMatch(/Inviting people|People invited/);
    expect((await focused(page)).tag).not.toBe("BODY");

    // Upload on the page of its own: focus on the progress heading, which is the page's one h1.
    await page.goto(`${server.url}/imports/new`);
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "more.csv", mimeType: "text/csv", buffer: Buffer.from("email\r\nfocus.gamma@contoso.example\r\n") });
    await tabTo(page, page.getByRole("button", { name: "Upload" }), "Upload on the page");
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await focused(page)).id).toBe("import-panel-title");
    expect(await page.evaluate(() => [...document.querySelectorAll("h1")].map((h) => h.id))).toEqual(["import-panel-title"]);
    await page.close();
  });

  it("the Users search says how many were found, and the title follows the view", async () => {
    const [one] = await server.deps.db.select({ email: members.email }).from(members).where(eq(members.status, "active")).limit(1);
    const page = await open("/users?status=invited");
    expect(await page.title()).toBe("Invited · Users · MileIQ Admin Center");
    await tabTo(page, page.getByLabel("Search by name or email"), "search");
    await page.keyboard.type(one!.email);
    await expect.poll(() => liveStatus(page)).toMatch(/^(0 people|No one) found/);
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Search by name or email").fill(one!.email);
    await expect.poll(() => liveStatus(page)).toBe("1 person found.");
    await expect.poll(() => page.title()).toBe(`Search: ${one!.email} · Users · MileIQ Admin Center`);
    await page.goto(`${server.url}/users?status=active`);
    await page.getByRole("link", { name: /Next page/ }).click();
    await expect.poll(() => page.title()).toBe("Active · Page 2 · Users · MileIQ Admin Center");
    await page.close();
  });

  it("every main page reflows at 320 CSS pixels and has one h1; a failed sign-in says so in the title and focuses the field", async () => {
    const [member] = await server.deps.db.select({ id: members.id }).from(members).where(eq(members.status, "invited")).limit(1);
    const page = await open("/users");
    await page.setViewportSize({ width: 320, height: 640 });
    const created = await createImport(
      server.deps.db,
      await actorFor(server.deps.db, ALEX),
      {
        fileName: "a-rather-long-file-name-for-a-narrow-screen.csv",
        bytes: new TextEncoder().encode("email\r\nfocus.gamma@contoso.example\r\nnot an address\r\n"),
      },
      { maxBytes: 1 << 20, maxRows: 100 },
    );
    if (!created.ok) throw new Error(created.message);
    const importPath = `/imports/${created.importId}`;
    // With the earlier test's upload (sending or sent) when the whole file runs.
    const uploads = await page.locator("#recent-imports a.file-name").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    const paths = [
      "/users",
      "/users?status=invited",
      "/users?q=a",
      "/users/invite",
      "/users/invite?q=focus",
      "/imports/new",
      "/imports",
      importPath,
      ...uploads,
      `/users/${member!.id}/archive`,
      "/users/remind",
      "/settings",
      "/settings/provisioning",
      "/activity",
      "/outbox",
    ];
    const wide: string[] = [];
    const headings: string[] = [];
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      const { scroll, inner, h1, widest } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
        h1: document.querySelectorAll("h1").length,
        widest: (() => {
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const out: string[] = [];
          for (let node = walker.nextNode(); node && out.length < 3; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            if (range.getBoundingClientRect().right > window.innerWidth && !node.parentElement?.closest(".table-wrap"))
              out.push(`${node.parentElement?.tagName}.${node.parentElement?.className}: ${node.textContent?.slice(0, 40)}`);
          }
          return out.join(" | ");
        })(),
      }));
      if (scroll > inner) wide.push(`${path}: ${scroll} px (${widest})`);
      if (h1 !== 1) headings.push(`${path}: ${h1} h1`);
    }
    expect(wide).toEqual([]);
    expect(headings).toEqual([]);

    const out = await browser.newContext();
    const login = await out.newPage();
    await login.goto(`${server.url}/login`);
    await login.getByLabel("Work email").fill("nobody@contoso.example");
    await Promise.all([login.waitForURL(/\/login\/local/), login.keyboard.press("Enter")]);
    expect(await login.title()).toBe("Error: Sign in · MileIQ Admin Center");
    expect(await login.evaluate(() => document.activeElement?.id)).toBe("email");
    await out.close();
    await page.close();
  });

  it("the archive dialogs are named from their heading, described, and open on Cancel or the heading", async () => {
    const page = await open("/users?status=invited");
    const row = page.locator("#user-rows tr").first();
    await row.locator(".archive-link").focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator("dialog#archive-dialog");
    await dialog.locator("h2").waitFor();
    const name = await dialog.evaluate((d) => ({
      label: d.getAttribute("aria-label"),
      labelledBy: document.getElementById(d.getAttribute("aria-labelledby") ?? "")?.textContent,
      describedBy: document.getElementById(d.getAttribute("aria-describedby") ?? "")?.textContent ?? "",
    }));
    expect(name.label).toBeNull();
    expect(name.labelledBy).toMatch(/^Archive .+\?$/);
    expect(name.describedBy).toMatch(/will lose access/);
    await expect.poll(async () => (await focused(page)).text).toMatch(/^(Cancel|Archive .+\?)$/);
    await page.keyboard.press("Escape");

    await row.locator("input[type=checkbox]").check();
    await page.getByRole("button", { name: "Archive selected" }).click();
    const bulk = page.locator("dialog#bulk-archive-dialog[open]");
    await bulk.waitFor();
    // Any htmx swap renames the open dialogs (app.js nameDialog): the description must survive one.
    await page.evaluate(() => document.dispatchEvent(new CustomEvent("htmx:after:swap")));
    expect(await bulk.evaluate((d) => document.getElementById(d.getAttribute("aria-describedby") ?? "")?.textContent ?? "")).toMatch(/lose access/);
    await expect.poll(async () => (await focused(page)).text).toMatch(/^(Cancel|Archive 1 user\?)$/);
    await page.keyboard.press("Escape");
    await page.close();
  });

  it("text fields' and checkboxes' borders are 3:1 against white, and the local banner's focus ring 3:1 on navy", async () => {
    const page = await open("/users");
    const ratios = await page.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = ([r, g, b]: number[]) => {
        const f = (v: number) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
      };
      const ratio = (a: string, b: string) => {
        const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((m, n) => n - m);
        return (x! + 0.05) / (y! + 0.05);
      };
      const border = (sel: string) => getComputedStyle(document.querySelector(sel)!).borderTopColor;
      const link = document.querySelector(".local-banner a") as HTMLElement;
      link.focus();
      return {
        search: ratio(border("#user-search"), "rgb(255, 255, 255)"),
        checkbox: ratio(border("#user-rows input[type=checkbox]"), "rgb(255, 255, 255)"),
        bannerRing: ratio(getComputedStyle(link).outlineColor, getComputedStyle(link.closest(".local-banner")!).backgroundColor),
      };
    });
    expect(ratios.search).toBeGreaterThanOrEqual(3);
    expect(ratios.checkbox).toBeGreaterThanOrEqual(3);
    expect(ratios.bannerRing).toBeGreaterThanOrEqual(3);
    await page.close();
  });
});
