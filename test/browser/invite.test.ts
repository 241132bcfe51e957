// Invite User in a real Chromium: type three letters, pick one person with the keyboard and one
// with the mouse, Invite, see them Invited and their emails queued; archive one (confirming in
// the dialog) and invite them again. Then the same invite with JavaScript turned off.
import { createRequire } from "node:module";
import { and, eq, inArray } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";

const person = (first: string, enabled = true) => ({
  entraObjectId: null,
  userPrincipalName: `zyxel.${first.toLowerCase()}@contoso.example`,
  mail: `zyxel.${first.toLowerCase()}@contoso.example`,
  displayName: `Zyxel ${first}`,
  givenName: "Zyxel",
  surname: first,
  jobTitle: "Field Engineer",
  department: null,
  accountEnabled: enabled,
});

describe.skipIf(!browserAvailable())("Invite User in a browser", () => {
  let server: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    await server.deps.db.write((tx) =>
      upsertDirectoryPeople(tx, org!.id, [person("Alpha"), person("Beta"), person("Gamma", false), person("Delta"), person("Epsilon")]),
    );
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

  const statusOf = async (email: string) => (await server.deps.db.select({ s: members.status }).from(members).where(eq(members.emailNorm, email)))[0]?.s;

  it("invites two people picked with the keyboard and the mouse, archives one and invites them again", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await signIn(page);

    await page.getByRole("button", { name: "Invite User" }).click();
    const dialog = page.locator("dialog#invite-dialog");
    const input = dialog.getByRole("combobox", { name: "Name or email" });
    await input.waitFor();
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // Invite with no one chosen says so, without leaving the dialog.
    await dialog.getByRole("button", { name: "Invite", exact: true }).click();
    await expect.poll(() => dialog.locator("#invite-search-status").textContent()).toContain("Add at least one person");
    await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await input.pressSequentially("zyx", { delay: 40 });
    const options = dialog.getByRole("option");
    await expect.poll(() => options.count()).toBe(5);
    await expect(input.getAttribute("aria-expanded")).resolves.toBe("true");
    await expect.poll(() => dialog.locator("#invite-search-status").textContent()).toContain("5 matches");
    // The disabled account is listed but cannot be added.
    const gamma = dialog.getByRole("option", { name: /Zyxel Gamma/ });
    await expect(gamma.getAttribute("aria-disabled")).resolves.toBe("true");

    // Keyboard: the first option is Zyxel Alpha (names sort after the exact-address matches).
    await input.press("ArrowDown");
    const activeId = await input.getAttribute("aria-activedescendant");
    expect(activeId).toMatch(/^invite-opt-/);
    await expect(page.locator(`#${activeId}`).getAttribute("aria-selected")).resolves.toBe("true");
    await expect(page.locator(`#${activeId}`).textContent()).resolves.toContain("Zyxel Alpha");
    await input.press("Enter");
    // Mouse: the + of Zyxel Beta.
    await dialog
      .getByRole("option", { name: /Zyxel Beta/ })
      .locator(".add-person")
      .click();
    const chips = dialog.locator("#invite-chips .chip");
    await expect.poll(() => chips.count()).toBe(2);
    await expect(dialog.locator("#invite-search-status").textContent()).resolves.toContain("2 people to invite");
    await expect(dialog.getByRole("option", { name: /Zyxel Alpha/ }).getAttribute("aria-disabled")).resolves.toBe("true");
    // A third chip, removed again.
    await dialog
      .getByRole("option", { name: /Zyxel Delta/ })
      .locator(".add-person")
      .click();
    await dialog.getByRole("button", { name: "Remove Zyxel Delta" }).click();
    await expect.poll(() => chips.count()).toBe(2);
    // Escape closes the popup, not the dialog.
    await input.focus();
    await input.press("Escape");
    await expect(input.getAttribute("aria-expanded")).resolves.toBe("false");
    await expect(dialog.isVisible()).resolves.toBe(true);

    await dialog.getByRole("button", { name: "Invite 2 people" }).click();
    await expect.poll(() => dialog.locator(".invite-result").textContent()).toContain("2 people invited");
    expect(await statusOf("zyxel.alpha@contoso.example")).toBe("invited");
    expect(await statusOf("zyxel.beta@contoso.example")).toBe("invited");
    expect(await statusOf("zyxel.delta@contoso.example")).toBeUndefined();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog.isVisible()).resolves.toBe(false);

    // Their emails are in the outbox: the table, and the local outbox page.
    const mails = await server.deps.db
      .select({ to: mailOutbox.to, kind: mailOutbox.kind })
      .from(mailOutbox)
      .where(inArray(mailOutbox.to, ["zyxel.alpha@contoso.example", "zyxel.beta@contoso.example"]));
    expect(mails.map((m) => `${m.kind} ${m.to}`).sort()).toEqual(["invitation zyxel.alpha@contoso.example", "invitation zyxel.beta@contoso.example"]);
    const outbox = await context.newPage();
    const response = await outbox.goto(`${server.url}/outbox`);
    expect(response?.status()).toBe(200);
    await expect(outbox.locator("table.outbox").textContent()).resolves.toContain("zyxel.alpha@contoso.example");
    await expect(outbox.locator("table.outbox").textContent()).resolves.toContain("zyxel.beta@contoso.example");
    await outbox.close();

    // See them Invited in the list.
    await page.goto(`${server.url}/users?q=zyx`);
    const alphaRow = page.locator("#user-rows tr", { hasText: "zyxel.alpha@contoso.example" });
    await expect(alphaRow.locator(".badge-invited").textContent()).resolves.toBe("Invited");
    await expect(page.locator("#user-rows tr", { hasText: "zyxel.beta@contoso.example" }).locator(".badge-invited").count()).resolves.toBe(1);
    const archivedBefore = Number(
      await page
        .locator("#status-filter a", { hasText: "Archived" })
        .locator(".count")
        .textContent()
        .then((s) => s!.replace(/\D/g, "")),
    );

    // Archive Alpha: a confirmation dialog first, then the row and the counts change in place.
    await alphaRow.getByRole("button", { name: "Archive Zyxel Alpha" }).click();
    const confirm = page.locator("dialog#archive-dialog");
    await expect.poll(() => confirm.locator("h2").textContent()).toBe("Archive Zyxel Alpha?");
    await confirm.getByRole("button", { name: "Archive" }).click();
    await expect.poll(() => confirm.isVisible()).toBe(false);
    await expect.poll(() => alphaRow.locator(".badge-archived").count()).toBe(1);
    await expect
      .poll(() => page.locator("#status-filter a", { hasText: "Archived" }).locator(".count").textContent())
      .toBe(new Intl.NumberFormat("en-US").format(archivedBefore + 1));
    await expect(page.locator("#row-action-flash").textContent()).resolves.toContain("Zyxel Alpha archived.");
    expect(await statusOf("zyxel.alpha@contoso.example")).toBe("archived");
    expect(page.url()).toBe(`${server.url}/users?q=zyx`);

    // Invite again.
    await alphaRow.getByRole("button", { name: "Invite again: Zyxel Alpha" }).click();
    await expect.poll(() => alphaRow.locator(".badge-invited").count()).toBe(1);
    await expect(page.locator("#row-action-flash").textContent()).resolves.toContain("Zyxel Alpha invited again.");
    expect(await statusOf("zyxel.alpha@contoso.example")).toBe("invited");
    expect(
      await server.deps.db
        .select()
        .from(mailOutbox)
        .where(and(eq(mailOutbox.to, "zyxel.alpha@contoso.example"), eq(mailOutbox.kind, "invitation"))),
    ).toHaveLength(2);

    // Archive selected: the dialog states how many, then both rows change in place.
    await alphaRow.getByRole("checkbox").check();
    await page.locator("#user-rows tr", { hasText: "zyxel.beta@contoso.example" }).getByRole("checkbox").check();
    await page.getByRole("button", { name: "Archive selected" }).click();
    const bulk = page.locator("dialog#bulk-archive-dialog");
    await expect.poll(() => bulk.locator("h2").textContent()).toBe("Archive 2 users?");
    await bulk.getByRole("button", { name: "Archive 2 users" }).click();
    await expect.poll(() => page.locator("#user-rows .badge-archived").count()).toBe(2);
    await expect(page.locator("#row-action-flash").textContent()).resolves.toContain("2 users archived.");
    expect(await statusOf("zyxel.beta@contoso.example")).toBe("archived");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("invites with JavaScript turned off: search, tick, Invite", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    await page.getByRole("button", { name: "Invite User" }).click();
    await page.waitForURL(`${server.url}/users/invite`);
    await page.getByLabel("Name or email").fill("zyxel");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=zyxel/);
    await page.getByRole("checkbox", { name: /Zyxel Epsilon/ }).check();
    await expect(page.getByRole("checkbox", { name: /Zyxel Gamma/ }).isDisabled()).resolves.toBe(true);
    await page.getByRole("button", { name: "Invite" }).click();
    await expect.poll(() => page.locator(".invite-result").textContent()).toContain("1 person invited");
    expect(await statusOf("zyxel.epsilon@contoso.example")).toBe("invited");
    // Post/redirect/get: the result has its own address, and Refresh shows it again without posting.
    expect(page.url()).toBe(`${server.url}/invitations/result`);
    const mails = async () => (await server.deps.db.select().from(mailOutbox).where(eq(mailOutbox.to, "zyxel.epsilon@contoso.example"))).length;
    const before = await mails();
    await page.reload();
    await expect(page.locator(".invite-result").textContent()).resolves.toContain("1 person invited");
    expect(await mails()).toBe(before);
    await context.close();
  });

  it("has no serious accessibility problems with matches and chips showing (axe-core)", async () => {
    // bypassCSP only so axe's own script can be injected; the first test runs under the real CSP.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${server.url}/users/invite`);
    const input = page.getByRole("combobox", { name: "Name or email" });
    await input.pressSequentially("zyx", { delay: 40 });
    await page.getByRole("option").first().waitFor();
    await input.press("ArrowDown");
    await input.press("Enter");
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }
      ).axe.run("#invite-user", { resultTypes: ["violations"] });
      return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });
});
