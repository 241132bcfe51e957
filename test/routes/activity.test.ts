import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import { eq } from "drizzle-orm";
import { auditEvents, directoryPeople, members } from "../../src/db/schema.js";
import { recordAudits, type AuditInput } from "../../src/domain/audit.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { newId } from "../../src/ids.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;
let orgId: string;
let adminId: string;
let person1Id: string;
let otherAdminId: string;
let memberId: string;

beforeAll(async () => {
  t = await createTestApp();
  const org = await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 2 });
  const other = await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  orgId = org.id;
  admin = await t.signInAs("admin@contoso.example");
  member = await t.signInAs("member@contoso.example");
  otherAdmin = await t.signInAs("admin@fabrikam.example");
  adminId = (await findPersonByAddress(t.deps.db, "admin@contoso.example"))!.id;
  person1Id = (await findPersonByAddress(t.deps.db, "person1@contoso.example"))!.id;
  otherAdminId = (await findPersonByAddress(t.deps.db, "admin@fabrikam.example"))!.id;
  memberId = newId();
  await t.deps.db.write((tx) =>
    tx.insert(members).values({
      id: memberId,
      orgId,
      personId: person1Id,
      email: "person1@contoso.example",
      emailNorm: "person1@contoso.example",
      name: "Person 1",
      sortName: "person 1",
      status: "invited",
      invitedAt: new Date(),
    }),
  );
  // 120 invitations by the admin, then one event of each other kind; Fabrikam has its own.
  const events: AuditInput[] = Array.from({ length: 120 }, (_, i) => ({
    orgId,
    actorId: adminId,
    action: "member.invite",
    memberId,
    subject: "person1@contoso.example",
    detail: { n: i },
  }));
  events.push(
    { orgId, actorId: adminId, action: "import.upload", subject: "march.csv", detail: { rows: 312 } },
    { orgId, actorId: person1Id, action: "member.join", memberId, subject: "person1@contoso.example" },
    { orgId, actorId: adminId, action: "rate.change", detail: { year: 2026, oldRateMilli: 670, newRateMilli: 725 } },
    { orgId, actorId: null, action: "directory.sync", subject: "succeeded", detail: { added: 3, updated: 1, removed: 0 } },
    { orgId, actorId: adminId, action: "widget.frobnicate" },
    { orgId: other.id, actorId: otherAdminId, action: "member.invite", subject: "secret@fabrikam.example" },
  );
  await t.deps.db.write((tx) => recordAudits(tx, events));
});
afterAll(() => t.close());

const pageOf = async (path: string, cookie = admin) => {
  const res = await t.get(path, { cookie });
  return { status: res.status, html: await res.text() };
};
const rowsOf = (html: string) => (html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "").split("<tr>").slice(1);
const nextLink = (html: string) => html.match(/href="([^"]*before=[^"]+)" rel="next"/)?.[1]?.replaceAll("&amp;", "&") ?? null;

describe("GET /activity", () => {
  it("refuses members without the role (403) and signed-out people", async () => {
    expect((await pageOf("/activity", member)).status).toBe(403);
    expect((await pageOf("/activity.csv", member)).status).toBe(403);
    expect((await t.get("/activity")).status).toBe(303);
  });

  it("shows who, when, what and the affected person, newest first, with a sentence per action", async () => {
    const { status, html } = await pageOf("/activity");
    expect(status).toBe(200);
    const rows = rowsOf(html);
    expect(rows).toHaveLength(50);
    expect(rows[0]).toContain("widget.frobnicate"); // unknown actions by their code
    expect(rows[1]).toContain("Synced the directory (3 added, 1 updated, 0 removed)");
    expect(rows[1]).toContain('<span class="muted">System</span>');
    expect(rows[1]).not.toContain("succeeded");
    expect(rows[2]).toContain("Changed the 2026 mileage rate from $0.67 to $0.725 per mile");
    expect(rows[2]).toContain("Admin of Contoso");
    expect(rows[3]).toContain("Joined MileIQ");
    expect(rows[3]).toContain("Person 1");
    expect(rows[4]).toContain("Uploaded “march.csv” (312 rows)");
    expect(rows[5]).toContain("Sent an invitation");
    expect(rows[5]).toContain("person1@contoso.example");
    expect(rows[5]).toMatch(/<time datetime="[^"]+" title="[^"]+ UTC">/);
    expect(html).not.toContain("fabrikam");
  });

  it("pages by id, newest first, without repeating or skipping an event", async () => {
    const seen: string[] = [];
    let path: string | null = "/activity";
    let pages = 0;
    while (path) {
      const { html } = await pageOf(path);
      seen.push(...rowsOf(html).map((r) => r.match(/<time datetime="([^"]+)"/)![1]!));
      path = nextLink(html);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(125);
    const all = await t.deps.db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.orgId, orgId));
    expect(all).toHaveLength(125);
  });

  it("filters by action and by person with bookmarkable GET parameters; htmx gets the results alone", async () => {
    const joins = await pageOf("/activity?action=member.join");
    expect(rowsOf(joins.html)).toHaveLength(1);
    expect(joins.html).toContain('<option value="member.join" selected="">');
    const byPerson = await pageOf(`/activity?actor=${person1Id}`);
    expect(rowsOf(byPerson.html)).toHaveLength(1);
    expect(byPerson.html).toContain(`<option value="${person1Id}" selected="">Person 1</option>`);
    const both = await pageOf(`/activity?action=rate.change&actor=${adminId}`);
    expect(rowsOf(both.html)).toHaveLength(1);
    expect(both.html).toContain(`href="/activity.csv?action=rate.change&amp;actor=${adminId}"`);
    const none = await pageOf(`/activity?action=member.archive&actor=${person1Id}`);
    expect(none.html).toContain("No activity matches these filters.");

    const res = await t.get(`/activity?action=member.invite&actor=${adminId}`, { cookie: admin, htmx: true });
    const fragment = await res.text();
    expect(fragment.startsWith('<section id="activity-results"')).toBe(true);
    expect(rowsOf(fragment)).toHaveLength(50);
    expect(nextLink(fragment)).toContain(`action=member.invite&actor=${adminId}&before=`);
  });

  it("answers 400 for malformed filters and cursors, never 500", async () => {
    for (const path of [
      "/activity?before=zzz",
      "/activity?before=1%27%20OR%201=1",
      "/activity?actor=not-an-id",
      "/activity?action=%3Cscript%3E",
      `/activity?before=${"a".repeat(5000)}`,
      "/activity.csv?before=nope",
    ]) {
      const { status, html } = await pageOf(path);
      expect(status, path).toBe(400);
      expect(html).not.toContain("<script>");
    }
  });

  it("answers 404 for a person of another organization, in the page and in the CSV", async () => {
    expect((await pageOf(`/activity?actor=${otherAdminId}`)).status).toBe(404);
    expect((await pageOf(`/activity.csv?actor=${otherAdminId}`)).status).toBe(404);
    expect((await pageOf(`/activity?actor=${adminId}`, otherAdmin)).status).toBe(404);
    const theirs = await pageOf(`/activity?actor=${otherAdminId}`, otherAdmin);
    expect(theirs.status).toBe(200);
    expect(rowsOf(theirs.html)).toHaveLength(1);
    expect(theirs.html).not.toContain("Contoso</span>");
  });

  it("has a sentence for each feature's event, from the details it records", async () => {
    const cases: [AuditInput, string][] = [
      [
        { orgId, actorId: adminId, action: "member.archive", memberId, subject: "person1@contoso.example", detail: { previousStatus: "invited" } },
        "Archived the user and revoked the invitation",
      ],
      [
        { orgId, actorId: adminId, action: "member.resend", memberId, subject: "person1@contoso.example", detail: { freshLink: true } },
        "Resent the invitation with a new link",
      ],
      [{ orgId, actorId: adminId, action: "member.reinvite", memberId, subject: "person1@contoso.example" }, "Invited an archived user again"],
      [{ orgId, actorId: adminId, action: "import.send", subject: "march.csv", detail: { rows: 1 } }, "Sent invitations from “march.csv” (1 person)"],
      [
        { orgId, actorId: adminId, action: "import.use_suggestions", subject: "march.csv", detail: { rows: 1200 } },
        "Invited the suggested addresses from “march.csv” (1,200 people)",
      ],
      [
        { orgId, actorId: null, action: "directory.sync", subject: "failed", detail: { status: "failed", message: "Graph said 401" } },
        "Directory sync failed: Graph said 401",
      ],
    ];
    await t.deps.db.write((tx) =>
      recordAudits(
        tx,
        cases.map(([event]) => event),
      ),
    );
    for (const [event, sentence] of cases) {
      const rows = rowsOf((await pageOf(`/activity?action=${event.action}`)).html);
      expect(rows[0], event.action).toContain(sentence);
    }
  });

  it("escapes HTML in names, subjects and file names", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    await t.deps.db.write((tx) => tx.update(directoryPeople).set({ displayName: evil }).where(eq(directoryPeople.id, person1Id)));
    await t.deps.db.write((tx) =>
      recordAudits(tx, [
        { orgId, actorId: adminId, action: "import.upload", subject: `${evil}.csv` },
        { orgId, actorId: adminId, action: "member.invite", subject: `${evil}@contoso.example` },
      ]),
    );
    const { html } = await pageOf("/activity");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("GET /activity.csv", () => {
  it("downloads every matching event as UTF-8 CSV with a BOM, formula cells neutralised", async () => {
    await t.deps.db.write((tx) =>
      recordAudits(tx, [
        { orgId, actorId: adminId, action: "import.upload", subject: '=HYPERLINK("http://evil.example","x").csv' },
        { orgId, actorId: adminId, action: "member.invite", subject: "+1@contoso.example" },
        { orgId, actorId: adminId, action: "member.invite", subject: "-2@contoso.example" },
        { orgId, actorId: adminId, action: "member.invite", subject: "@sum@contoso.example" },
        { orgId, actorId: adminId, action: "member.invite", subject: "\tx@contoso.example" },
      ]),
    );
    await t.deps.db.write((tx) => tx.update(directoryPeople).set({ displayName: "=cmd|' /C calc'!A0" }).where(eq(directoryPeople.id, adminId)));
    const res = await t.get("/activity.csv", { cookie: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="activity-\d{4}-\d\d-\d\d\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1);
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(["Time (UTC)", "Action", "What", "Who", "Who (email)", "Affected person", "Affected email"]);
    expect(rows).toHaveLength(138);
    const cells = rows.flat();
    for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toContain("'=cmd|' /C calc'!A0");
    expect(cells).toContain("'+1@contoso.example");
    expect(cells).toContain("'-2@contoso.example");
    expect(cells).toContain("'@sum@contoso.example");
    expect(cells).toContain("'\tx@contoso.example");
    expect(cells).toContain('Uploaded “=HYPERLINK("http://evil.example","x").csv”');
    expect(text).not.toContain("fabrikam");
    expect(rows[rows.length - 1]![1]).toBe("member.invite"); // oldest last
  });

  it("applies the same filters as the page", async () => {
    const res = await t.get(`/activity.csv?action=member.join&actor=${person1Id}`, { cookie: admin });
    const rows = Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(1, 3)).toEqual(["member.join", "Joined MileIQ"]);
  });

  it("streams a big log in chunks: every event once, in order", async () => {
    const big = await createOrganization(t.deps.db, { name: "Northwind", domain: "northwind.example" });
    const bigAdmin = (await findPersonByAddress(t.deps.db, "admin@northwind.example"))!;
    await t.deps.db.write((tx) =>
      recordAudits(
        tx,
        Array.from({ length: 2_345 }, (_, i) => ({ orgId: big.id, actorId: bigAdmin.id, action: "member.invite", subject: `p${i}@northwind.example` })),
      ),
    );
    const res = await t.get("/activity.csv", { cookie: await t.signInAs("admin@northwind.example") });
    const rows = Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data.slice(1);
    expect(rows).toHaveLength(2_345);
    expect(rows[0]![6]).toBe("p2344@northwind.example");
    expect(rows[2_344]![6]).toBe("p0@northwind.example");
    expect(new Set(rows.map((r) => r[6])).size).toBe(2_345);
  });
});
