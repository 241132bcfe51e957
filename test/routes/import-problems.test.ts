// Problems on the page: the status poll that finds the check done brings the problem rows, grouped
// by problem, without a reload (an htmx partial); a possible typo names its person and offers "Use
// this address", which invites that one person once (POST /imports/:id/use-address, field `row`).
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importRows, imports, mailOutbox, members } from "../../src/db/schema.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { actorFor } from "../support/security-fixtures.js";

let t: TestApp;
let admin: string;

const drain = () => drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl });
const FILE = [
  "person1@contoso.exmaple",
  "not an address",
  "ghost@contoso.example",
  "person2@contoso.example",
  "PERSON2@contoso.example",
  "<b>x</b>@contoso.example",
];

async function upload(lines: string[]): Promise<string> {
  const form = new FormData();
  form.append("file", new File([["email", ...lines].join("\n")], "people.csv", { type: "text/csv" }));
  const response = await t.post("/imports", form, { cookie: admin });
  expect(response.status).toBe(303);
  return response.headers.get("Location")!.split("/").pop()!;
}
const poll = async (id: string) => (await t.get(`/imports/${id}/status`, { cookie: admin, htmx: true })).text();
const importOf = async (id: string) => (await t.deps.db.select().from(imports).where(eq(imports.id, id)))[0]!;
const useAddress = (id: string, row: string, htmx = true) => t.post(`/imports/${id}/use-address`, { row }, { cookie: admin, htmx });
const text = (html: string) => html.replaceAll("<wbr>", "");

beforeEach(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 12 });
  await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  admin = await t.signInAs("admin@contoso.example");
});
afterEach(() => t.close());

describe("the problem rows on the page", () => {
  it("come with the status poll that finds the check done, grouped by problem, a typo naming its person", async () => {
    const id = await upload(FILE);
    const running = await poll(id);
    expect(running).not.toContain("import-problems");
    await drain();
    const done = text(await poll(id));
    const partial = /<hx-partial hx-target="#import-problems" hx-swap="outerHTML">([\s\S]*?)<\/hx-partial>/.exec(done)?.[1] ?? "";
    expect(partial).toContain("Rows that will not be invited");
    const headings = [...partial.matchAll(/<h3[^>]*>([^<]*) <span class="count muted">\((\d+)\)<\/span><\/h3>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings).toEqual(["Possible typo 1", "Not an email address 2", "Not in directory 1", "Duplicate in file 1"]);
    expect(partial).toContain("Did you mean person1@contoso.example (Person 1)?");
    expect(partial).toContain(
      '<button type="submit" class="secondary outline small" aria-label="Use this address for row 2: person1@contoso.example">Use this address</button>',
    );
    // HTML in a cell is shown as text.
    expect(partial).toContain("&lt;b&gt;x&lt;/b&gt;@contoso.example");
    expect(partial).not.toContain("<b>x</b>");
    // The import page shows the same groups, placed where the poll puts them.
    const full = text(await (await t.get(`/imports/${id}`, { cookie: admin })).text());
    expect(full).toContain('<section id="import-problems" class="import-problems" aria-labelledby="import-problems-title">');
    expect(full).toContain("Did you mean person1@contoso.example (Person 1)?");
  });

  it("an upload still being checked has an empty place for them, which the last poll fills", async () => {
    const id = await upload(FILE);
    const html = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(html).toContain('<section id="import-problems" class="import-problems" hidden=""></section>');
    const dialog = await (
      await t.post(
        "/imports",
        (() => {
          const f = new FormData();
          f.append("file", new File(["email\nx\n"], "b.csv"));
          return f;
        })(),
        { cookie: admin, htmx: true },
      )
    ).text();
    expect(dialog).toContain('id="import-problems"');
  });
});

describe("POST /imports/:id/use-address", () => {
  it("invites the person at the suggested address once, and the table, the counts and the widget follow", async () => {
    const id = await upload(FILE);
    await drain();
    const before = await importOf(id);
    const answer = await useAddress(id, "2");
    expect(answer.status).toBe(200);
    const html = text(await answer.text());
    expect(html).toContain("Row 2: invited at person1@contoso.example.");
    expect(html).not.toContain("Use this address");
    expect(html).toMatch(
      new RegExp(`<hx-partial hx-target="#import-status-${id}" hx-swap="outerHTML">[\\s\\S]*<li class="summary-invited"><span class="count">1</span> invited`),
    );
    const member = (await t.deps.db.select().from(members).where(eq(members.emailNorm, "person1@contoso.example")))[0];
    expect(member?.status).toBe("invited");
    const mails = await t.deps.db
      .select()
      .from(mailOutbox)
      .where(and(eq(mailOutbox.to, "person1@contoso.example"), eq(mailOutbox.kind, "invitation")));
    expect(mails).toHaveLength(1);
    const after = await importOf(id);
    expect([after.errorCount, after.sentCount, after.suggestionCount, after.suggestionsSentCount]).toEqual([
      before.errorCount - 1,
      before.sentCount + 1,
      before.suggestionCount - 1,
      before.suggestionsSentCount + 1,
    ]);
    const [row] = await t.deps.db
      .select()
      .from(importRows)
      .where(and(eq(importRows.importId, id), eq(importRows.rowNumber, 2)));
    expect(row!.sentAt).not.toBeNull();
    // Twice: nothing more happens, and it says why.
    const again = await useAddress(id, "2");
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("no suggested address to use any more");
    expect(await t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.to, "person1@contoso.example"))).toHaveLength(1);
    expect((await useAddress(id, "3")).status).toBe(409); // not a typo
    expect((await useAddress(id, "abc")).status).toBe(409);
  });

  it("without JavaScript: 303 back to the import page, which says what happened", async () => {
    const id = await upload(FILE);
    await drain();
    const answer = await useAddress(id, "2", false);
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe(`/imports/${id}?used=2:invited`);
    expect(await (await t.get(answer.headers.get("location")!, { cookie: admin })).text()).toContain("Row 2: invited at the suggested address.");
  });

  it("respects an archive made after the check, and refuses while the rows are being checked", async () => {
    const actor = await actorFor(t.deps.db, "admin@contoso.example");
    const { outcomes } = await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example"] }, { publicUrl: t.deps.config.publicUrl });
    await archiveMembers(t.deps.db, actor, [outcomes[0]!.memberId!]);
    const checking = await upload(FILE);
    expect((await useAddress(checking, "2")).status).toBe(409);
    await drain();
    // The check found an archived member (a typo of whom can be invited again); archived again since: held.
    await t.deps.db.write((tx) =>
      tx
        .update(members)
        .set({ archivedAt: new Date(Date.now() + 1000) })
        .where(eq(members.id, outcomes[0]!.memberId!)),
    );
    const answer = await useAddress(checking, "2");
    expect(await answer.text()).toContain("Row 2 was not invited");
    expect((await t.deps.db.select().from(members).where(eq(members.id, outcomes[0]!.memberId!)))[0]!.status).toBe("archived");
  });

  it("is for admins (403), and another organization's admin gets 404 and changes nothing", async () => {
    const id = await upload(FILE);
    await drain();
    const member = await t.signInAs("member@contoso.example");
    expect((await t.post(`/imports/${id}/use-address`, { row: "2" }, { cookie: member })).status).toBe(403);
    const other = await t.signInAs("admin@fabrikam.example");
    expect((await t.post(`/imports/${id}/use-address`, { row: "2" }, { cookie: other })).status).toBe(404);
    expect((await t.get(`/imports/${id}/status`, { cookie: other, htmx: true })).status).toBe(404);
    expect((await importOf(id)).suggestionCount).toBe(1);
    expect(await t.deps.db.select().from(members).where(eq(members.emailNorm, "person1@contoso.example"))).toEqual([]);
  });
});
