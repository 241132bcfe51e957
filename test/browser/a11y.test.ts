// Accessibility in a real Chromium: axe-core on every page and dialog (no serious or critical
// violations), and the main journey (sign in, Invite User, pick a person, invite, archive someone)
// with the keyboard alone. The audit contexts bypass the CSP only so axe's own script can be
// injected; the keyboard journey runs under the real CSP.
import { createRequire } from "node:module";
import { and, eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports, mailOutbox, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { createImport } from "../../src/domain/imports.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";
import { actorFor } from "../support/security-fixtures.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const ALEX = "alex.admin@contoso.example";
const CASEY = "casey.member@contoso.example";

type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };

const person = (first: string) => ({
  entraObjectId: null,
  userPrincipalName: `kbd.${first.toLowerCase()}@contoso.example`,
  mail: `kbd.${first.toLowerCase()}@contoso.example`,
  displayName: `Kbd ${first}`,
  givenName: "Kbd",
  surname: first,
  jobTitle: "Driver",
  department: null,
  accountEnabled: true,
});

describe.skipIf(!browserAvailable())("accessibility", () => {
  let server: RunningApp;
  let browser: Browser;
  const problems: string[] = [];
  const audited: string[] = [];

  beforeAll(async () => {
    // No workers: an upload stays "checking rows" until the test runs the import worker itself.
    server = await startTestServer({ env: { WORKERS: "false" } });
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    await server.deps.db.write((tx) => upsertDirectoryPeople(tx, org!.id, [person("Alpha"), person("Beta"), person("Gamma")]));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Runs axe on the page as it is now (whole document: dialogs included) and notes serious and critical violations. */
  async function audit(page: Page, label: string) {
    const t0 = performance.now();
    await page.addScriptTag({ path: AXE });
    const t1 = performance.now();
    // WCAG 2.x A and AA and axe's best-practice rules (headings, landmarks, names of regions).
    const result = await page.evaluate(async () =>
      (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<AxeResult> } }).axe.run(document, {
        resultTypes: ["violations"],
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      }),
    );
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical")
        problems.push(
          `${label}: ${v.id} (${v.help}) at ${v.nodes
            .slice(0, 3)
            .map((n) => JSON.stringify(n.target))
            .join(", ")}`,
        );
    }
    audited.push(label);
    if (process.env.A11Y_DEBUG)
      console.log(`audited ${label} at ${Math.round(performance.now())}: inject ${Math.round(t1 - t0)} ms, run ${Math.round(performance.now() - t1)} ms`);
  }

  async function signedIn(
    email: string | null,
    options: { bypassCSP?: boolean; javaScriptEnabled?: boolean } = { bypassCSP: true },
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    if (email) {
      await page.goto(`${server.url}/login`);
      await page.getByLabel("Work email").fill(email);
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
    }
    return { context, page };
  }

  const go = async (page: Page, path: string, status = 200) => {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(status);
  };

  it("every page and dialog has no serious or critical axe violation", async () => {
    const { db } = server.deps;
    const admin = await actorFor(db, ALEX);

    const out = await signedIn(null);
    await go(out.page, "/login");
    await audit(out.page, "login");

    const { context, page } = await signedIn(ALEX);
    for (const path of ["/users", "/users?status=invited", "/users?status=active", "/users?status=archived", "/users?q=kbd", "/users?q=zzzz-nobody"]) {
      await go(page, path);
      await audit(page, path);
    }

    await go(page, "/users");
    await page.getByRole("button", { name: "Invite User" }).click();
    const invite = page.locator("dialog#invite-dialog");
    await invite.getByRole("combobox", { name: "Name or email" }).pressSequentially("kbd", { delay: 30 });
    await invite.getByRole("option").first().waitFor();
    await invite.getByRole("combobox").press("ArrowDown");
    await invite.getByRole("combobox").press("Enter");
    await audit(page, "Invite User dialog (matches and a chip)");
    await go(page, "/users/invite?q=kbd");
    await audit(page, "Invite User page without JavaScript (matches)");

    await go(page, "/users");
    await page.getByRole("button", { name: "Bulk upload users" }).click();
    await page.locator("dialog#import-dialog input[type=file]").waitFor();
    await audit(page, "Bulk upload dialog");
    await go(page, "/imports/new");
    await audit(page, "Bulk upload page");

    const csv = "email\r\nkbd.alpha@contoso.example\r\nnot an address\r\nkbd.beta@contoso.exmaple\r\nghost@contoso.example\r\nkbd.alpha@contoso.example\r\n";
    const created = await createImport(db, admin, { fileName: "people.csv", bytes: new TextEncoder().encode(csv) }, { maxBytes: 1 << 20, maxRows: 1000 });
    if (!created.ok) throw new Error(created.message);
    await go(page, `/imports/${created.importId}`);
    await expect(page.locator(".import-status progress").count()).resolves.toBe(1);
    // With JavaScript the widget polls; the no-JS refresh must stay inside <noscript>, not reload the page.
    await expect(page.evaluate(() => document.querySelectorAll('meta[http-equiv="refresh"]').length)).resolves.toBe(0);
    await audit(page, "import page, checking rows");
    await drainImports({ db, publicUrl: server.url });
    await go(page, `/imports/${created.importId}`);
    await expect(page.locator(".import-problems").count()).resolves.toBe(1);
    await audit(page, "import page, checked (problem rows)");
    await go(page, "/imports");
    await audit(page, "every upload");
    const [imported] = await db.select().from(imports).where(eq(imports.id, created.importId));
    if (imported!.suggestionCount > 0) {
      await go(page, `/imports/${created.importId}/suggestions`);
      await audit(page, "suggested addresses");
    }

    await go(page, "/settings");
    await page.getByLabel("New rate (dollars per mile)").fill("abc");
    await page.getByRole("button", { name: "Save rate" }).click();
    await page.locator("#rate-error").waitFor();
    await audit(page, "settings with a validation error");
    await go(page, "/activity");
    await audit(page, "activity");
    await go(page, "/settings/provisioning");
    await page.getByRole("button", { name: "Generate token" }).click();
    await page.locator("#scim-token").waitFor();
    await audit(page, "provisioning with a new token");

    const { outcomes } = await inviteMembers(db, admin, { emails: [CASEY] }, { publicUrl: server.url });
    await go(page, "/outbox");
    await audit(page, "outbox");
    const [mail] = await db
      .select(mailColumns)
      .from(mailOutbox)
      .where(and(eq(mailOutbox.to, CASEY), eq(mailOutbox.kind, "invitation")));
    await go(page, `/outbox/${mail!.id}`);
    await audit(page, "outbox message");
    const token = /\/join\/([\w-]{43})/.exec(withEmail(mail!).text)![1]!;

    await go(page, `/users?q=${encodeURIComponent(CASEY)}`);
    await page.getByRole("button", { name: /^Archive Casey/ }).click();
    await page.locator("dialog#archive-dialog h2").waitFor();
    await audit(page, "archive dialog");
    await page.keyboard.press("Escape");
    await page.locator("#user-rows input[type=checkbox]").first().check();
    await page.getByRole("button", { name: "Archive selected" }).click();
    await page.locator("dialog#bulk-archive-dialog[open]").waitFor();
    await audit(page, "archive selected dialog");
    await page.keyboard.press("Escape");

    await go(out.page, `/join/${token}`);
    await audit(out.page, "join landing page");
    await go(page, `/join/${token}`, 403);
    await audit(page, "join: sent to someone else");
    const casey = await signedIn(CASEY);
    await go(casey.page, `/join/${token}`);
    await Promise.all([casey.page.waitForNavigation(), casey.page.getByRole("button", { name: /^Join/ }).click()]);
    await expect(casey.page.locator("h1").textContent()).resolves.toMatch(/Welcome/);
    await audit(casey.page, "join welcome page");
    await go(casey.page, "/users", 403);
    await audit(casey.page, "403 (no Business Administrator role)");
    await go(casey.page, "/no-such-page", 404);
    await audit(casey.page, "404");
    await go(out.page, "/join/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404);
    await audit(out.page, "join: unknown link");
    await archiveMembers(db, admin, [outcomes[0]!.memberId!]);
    await go(out.page, `/join/${token}`, 410);
    await audit(out.page, "join: revoked link");

    await Promise.all([context.close(), out.context.close(), casey.context.close()]);
    console.log(`axe-core audited ${audited.length} pages and dialogs`);
    expect(problems).toEqual([]);
  }, 120_000);

  it("signs in, invites a person from the directory and archives them with the keyboard alone", async () => {
    const context = await browser.newContext(); // the real CSP
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const key = (k: string) => page.keyboard.press(k);
    /** Presses Tab until `target` has the focus, which must be visible (our :focus-visible outline). */
    async function tabTo(target: ReturnType<Page["locator"]>, what: string) {
      for (let i = 0; i < 80; i++) {
        await key("Tab");
        if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
          const ring = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
          expect(ring, `${what}: visible focus`).not.toBe("none");
          return;
        }
      }
      throw new Error(`Tab never reached ${what}`);
    }
    const statusOf = async (email: string) => (await server.deps.db.select({ s: members.status }).from(members).where(eq(members.emailNorm, email)))[0]?.s;

    await page.goto(`${server.url}/users`);
    await tabTo(page.getByLabel("Work email"), "Work email");
    await page.keyboard.type(ALEX);
    await Promise.all([page.waitForURL(`${server.url}/users`), key("Enter")]);

    // Invite User is a link styled as a button: Space opens it, as on any button.
    await tabTo(page.getByRole("button", { name: "Invite User" }), "Invite User");
    await key("Space");
    const dialog = page.locator("dialog#invite-dialog");
    const input = dialog.getByRole("combobox", { name: "Name or email" });
    await input.waitFor();
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("kbd.gam", { delay: 30 });
    await expect.poll(() => dialog.getByRole("option").count()).toBe(1);
    await key("ArrowDown");
    await key("Enter");
    await expect.poll(() => dialog.locator("#invite-chips .chip").count()).toBe(1);
    await tabTo(dialog.getByRole("button", { name: "Invite", exact: true }), "Invite");
    await key("Enter");
    await expect.poll(() => dialog.locator(".invite-result").textContent()).toContain("1 person invited");
    expect(await statusOf("kbd.gamma@contoso.example")).toBe("invited");
    await tabTo(dialog.getByRole("button", { name: "Done" }), "Done");
    await key("Space");
    await expect.poll(() => dialog.isVisible()).toBe(false);

    // Find them with the search field, then Archive, confirmed in the dialog.
    await tabTo(page.getByLabel("Search by name or email"), "search");
    await page.keyboard.type("kbd.gamma");
    await key("Enter");
    const row = page.locator("#user-rows tr", { hasText: "kbd.gamma@contoso.example" });
    await expect.poll(() => page.locator("#user-rows tr").count()).toBe(1);
    await tabTo(row.getByRole("button", { name: "Archive Kbd Gamma" }), "Archive");
    await key("Enter");
    const confirm = page.locator("dialog#archive-dialog");
    await expect.poll(() => confirm.locator("h2").textContent()).toBe("Archive Kbd Gamma?");
    // The dialog opens on its heading, never on the destructive button: Tab reaches Archive.
    await expect.poll(() => confirm.locator("h2").evaluate((el) => el === document.activeElement)).toBe(true);
    const archive = confirm.getByRole("button", { name: "Archive", exact: true });
    await tabTo(archive, "Archive in the dialog");
    await key("Space");
    await expect.poll(() => row.locator(".badge-archived").count()).toBe(1);
    await expect.poll(() => confirm.isVisible()).toBe(false);
    expect(await statusOf("kbd.gamma@contoso.example")).toBe("archived");
    // Focus lands on the updated row, not lost on the page.
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest("tr")?.textContent ?? "")).toContain("kbd.gamma@contoso.example");
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
