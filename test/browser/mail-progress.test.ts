// The mail progress in a real Chromium: Send Invite from the upload dialog on the Users page, and
// the Users page's sentence counts the emails up as the real mail worker sends them (the real
// `resend` SDK against the Resend stand-in, paced slowly so several batches show) without a
// reload, then stops polling once none are left.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, members, organizations } from "../../src/db/schema.js";
import { DEMO_ORG } from "../../src/demo/seed.js";
import { browserAvailable, launchBrowser, startTestServer, type RunningApp } from "../support/browser.js";
import { startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";

const PEOPLE = 250;

describe.skipIf(!browserAvailable())("mail progress in a browser", () => {
  let server: RunningApp;
  let browser: Browser;
  let standIn: ResendStandIn;
  let addresses: string[];

  beforeAll(async () => {
    standIn = await startResendStandIn();
    // 0.4 requests a second: a batch of 100 every 2.6 s, so the 2 s poll sees the counts move.
    server = await startTestServer({ env: { RESEND_API_KEY: standIn.apiKey, RESEND_BASE_URL: standIn.url, MAIL_REQUESTS_PER_SECOND: "0.4" } });
    browser = await launchBrowser();
    const [org] = await server.deps.db.select().from(organizations).where(eq(organizations.name, DEMO_ORG));
    const free = await server.deps.db
      .select({ mail: directoryPeople.mailNorm })
      .from(directoryPeople)
      .leftJoin(members, eq(members.personId, directoryPeople.id))
      .where(and(eq(directoryPeople.orgId, org!.id), eq(directoryPeople.accountEnabled, true), isNull(members.id), isNull(directoryPeople.removedAt)))
      .orderBy(sql`${directoryPeople.mailNorm}`)
      .limit(PEOPLE + 10);
    addresses = free
      .map((p) => p.mail!)
      .filter((m) => !m.startsWith("alex.admin") && !m.startsWith("casey.member"))
      .slice(0, PEOPLE);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await standIn?.close();
  });

  it("counts the invitation emails up on the Users page without a reload, then stops polling", async () => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    let polls = 0;
    page.on("request", (request) => {
      if (/\/imports\/[^/]+\/mail\?on=users$/.test(request.url())) polls++;
    });
    await page.goto(`${server.url}/users`);
    await page.getByLabel("Work email").fill("alex.admin@contoso.example");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/users`);
    // Survives only if the page is never reloaded.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await page.getByRole("button", { name: "Bulk upload users" }).click();
    const dialog = page.locator("dialog#import-dialog");
    await dialog
      .getByLabel("CSV or Excel file")
      .setInputFiles({ name: "hr.csv", mimeType: "text/csv", buffer: Buffer.from(["email", ...addresses].join("\r\n")) });
    await dialog.getByRole("button", { name: "Upload" }).click();
    await expect.poll(() => dialog.locator(".import-status").textContent(), { timeout: 20_000 }).toContain(`Checked ${PEOPLE} rows`);
    await dialog.locator(".import-status").getByRole("button", { name: "Send Invite" }).click();

    const sentence = page.locator("#mail-progress #mail-progress-text");
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = ((await sentence.textContent().catch(() => null)) ?? "").replace(/\s+/g, " ").trim();
          if (text) seen.add(text.replace(/^hr\.csv: /, ""));
          return text;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toContain(`All ${PEOPLE} invitation emails sent`);

    // The numbers moved in place: an intermediate count was shown, in the page that was never reloaded.
    const counts = [...seen].map((t) => /^Emails: ([\d,]+) of /.exec(t)?.[1]).filter((n): n is string => n !== undefined);
    expect(counts.some((n) => n !== "0" && n !== String(PEOPLE))).toBe(true);
    expect([...seen].some((t) => /· (less than a minute|about \d+ minutes?) left$/.test(t))).toBe(true);
    await expect(page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).resolves.toBe(true);
    // Said once, in the page's one status element; the sentence that moved every 2 s is not a live region.
    expect(await page.getByRole("status").filter({ hasText: "invitation emails sent" }).count()).toBe(1);
    await expect(page.locator("#page-status").textContent()).resolves.toContain(`All ${PEOPLE} invitation emails sent`);
    expect(
      await page.locator("#mail-progress").evaluate((el) => [el.getAttribute("role"), el.getAttribute("aria-live"), el.closest("[aria-live],[role=status]")]),
    ).toEqual([null, null, null]);

    // Done: the sentence has no trigger, and no poll goes out any more.
    await expect(sentence.getAttribute("hx-trigger")).resolves.toBeNull();
    const pollsAtEnd = polls;
    await page.waitForTimeout(4500);
    expect(polls).toBe(pollsAtEnd);
    expect(standIn.deliveries).toHaveLength(PEOPLE);
    expect(errors).toEqual([]);
  }, 90_000);
});
