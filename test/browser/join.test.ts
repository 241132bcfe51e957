// The whole joining journey in Debian's Chromium against the real server: an admin invites
// Casey with Invite User, Casey opens the emailed link (from the local outbox), signs in (local mode), joins, sees the welcome page, and
// the admin's Users page shows Casey Active.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { and, eq, isNotNull, isNull, notInArray } from "drizzle-orm";
import { directoryPeople, mailOutbox, members } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

const CASEY = "casey.member@contoso.example";
const ALEX = "alex.admin@contoso.example";

describe.skipIf(!browserAvailable())("joining in a browser", () => {
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

  /** Alex invites Casey with Invite User; the link is read from Casey's email in the local outbox. */
  async function inviteCasey(admin: BrowserContext): Promise<string> {
    const page = await admin.newPage();
    page.setDefaultTimeout(8_000);
    await page.goto(`${server.url}/login?next=%2Fusers`);
    await signIn(page, ALEX);
    await page.getByRole("button", { name: "Invite User" }).click();
    const dialog = page.locator("dialog#invite-dialog");
    await dialog.getByRole("combobox", { name: "Name or email" }).pressSequentially("casey", { delay: 30 });
    await dialog.getByRole("option", { name: /Casey Member/ }).click();
    await dialog.getByRole("button", { name: /^Invite( 1 person)?$/ }).click();
    await expect.poll(() => dialog.locator(".invite-result").textContent()).toContain("1 person invited");

    const outbox = await page.goto(`${server.url}/outbox`);
    expect(outbox!.status()).toBe(200);
    await Promise.all([page.waitForNavigation(), page.locator("tr", { hasText: CASEY }).getByRole("link").first().click()]);
    const link = await page.locator('main a[href*="/join/"]').first().getAttribute("href");
    expect(link?.startsWith(`${server.url}/join/`)).toBe(true);
    await page.close();
    return link!;
  }

  async function signIn(page: import("playwright-core").Page, email: string | null) {
    if (email !== null) await page.getByLabel("Work email").fill(email);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign in" }).click()]);
  }

  it("invite, open the link, sign in, Join, welcome; the admin sees Active", async () => {
    const admin = await browser.newContext();
    const link = await inviteCasey(admin);
    const casey = await browser.newContext();
    const page = await casey.newPage();

    const landing = await page.goto(link);
    expect(landing!.status()).toBe(200);
    expect(landing!.headers()["referrer-policy"]).toBe("no-referrer");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Join Contoso (demo) on MileIQ");
    const intro = await page.locator("main").textContent();
    expect(intro).toContain("Alex Admin invited you");
    expect(intro).toContain("$0.725 per mile");
    expect(await page.getByRole("button", { name: "Join" }).count()).toBe(0);

    // Get started: the local sign-in form, prefilled with the invited address, returning here.
    await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Get started" }).click()]);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByLabel("Work email").inputValue()).toBe(CASEY);
    await signIn(page, null);
    expect(page.url()).toBe(link);

    // Join: a same-origin form post from a no-referrer page (Origin: null) must get through.
    const posted: Record<string, string>[] = [];
    page.on("request", async (request) => {
      if (request.method() === "POST") posted.push(await request.allHeaders());
    });
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Join" }).click()]);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.origin).toBe("null");
    expect(posted[0]!["sec-fetch-site"]).toBe("same-origin");
    expect(posted[0]!.referer).toBeUndefined();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Welcome to MileIQ, Casey Member");
    const welcome = await page.locator("main").textContent();
    expect(welcome).toContain("active member of Contoso (demo)");
    expect(welcome).toContain("$0.725 per mile");
    expect(await page.getByRole("link", { name: "Install the MileIQ app" }).count()).toBe(1);

    // Reloading (or joining again) just shows the welcome page.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Welcome to MileIQ, Casey Member");
    await casey.close();

    // The admin, still signed in, sees Casey Active.
    const adminPage = await admin.newPage();
    await adminPage.goto(`${server.url}/users?status=active&q=casey`);
    const row = adminPage.locator("tr", { hasText: "Casey Member" });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("Active");
    await admin.close();
  });

  it("a forwarded link opened by someone else signed in is refused, and they can switch accounts", async () => {
    const { db, config } = server.deps;
    const alex = await findPersonByAddress(db, ALEX);
    // Someone from the demo directory who is not a member yet.
    const [person] = await db
      .select({ mail: directoryPeople.mail })
      .from(directoryPeople)
      .leftJoin(members, eq(members.personId, directoryPeople.id))
      .where(
        and(isNull(members.id), eq(directoryPeople.accountEnabled, true), isNotNull(directoryPeople.mail), notInArray(directoryPeople.mailNorm, [CASEY, ALEX])),
      )
      .limit(1);
    const target = person!.mail!.toLowerCase();
    await inviteMembers(db, { personId: alex!.id, orgId: alex!.orgId, name: alex!.displayName }, { emails: [target] }, { publicUrl: config.publicUrl });
    const mail = (await db.select(mailColumns).from(mailOutbox)).find((m) => m.to.toLowerCase().includes(target));
    const link = withEmail(mail!).text.match(/https?:\/\/\S+\/join\/[A-Za-z0-9_-]{43}/)![0];

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=${encodeURIComponent(new URL(link).pathname)}`);
    await signIn(page, ALEX);
    expect(page.url()).toBe(link);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("This invitation was sent to someone else");
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Sign out and switch account" }).click()]);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByLabel("Work email").inputValue()).toBe(target);
    await signIn(page, null);
    expect(page.url()).toBe(link);
    expect(await page.getByRole("button", { name: "Join" }).count()).toBe(1);
    await context.close();
  });
});
