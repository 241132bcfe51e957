// Bulk upload under real admin behaviour (issue 15): the suggestions name the person before
// anything is sent, every count shown or logged is the people an action changed, and Send Invite
// judges each row against the present (an archive after the check is respected).
import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importRows, imports, members } from "../../src/db/schema.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;

const drain = () => drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl, chunkSize: 7, sendChunkSize: 5 });

async function uploadAndCheck(lines: string[], name = "people.csv"): Promise<string> {
  const form = new FormData();
  form.append("file", new File([["email", ...lines].join("\n")], name, { type: "text/csv" }));
  const response = await t.post("/imports", form, { cookie: admin });
  expect(response.status).toBe(303);
  await drain();
  return response.headers.get("Location")!.split("/").pop()!;
}
const page = async (path: string) => (await t.get(path, { cookie: admin })).text();
const importOf = async (id: string) => (await t.deps.db.select().from(imports).where(eq(imports.id, id)))[0]!;
const rowsOf = (id: string) => t.deps.db.select().from(importRows).where(eq(importRows.importId, id)).orderBy(importRows.rowNumber);
const memberOf = async (email: string) => (await t.deps.db.select().from(members).where(eq(members.emailNorm, email)))[0];
const activity = async () => (await page("/activity")).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

beforeEach(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 12 });
  admin = await t.signInAs("admin@contoso.example");
});
afterEach(() => t.close());

describe("Use suggestions", () => {
  it("names each suggested person before anything is sent, and its button counts only the people it would invite now", async () => {
    const id = await uploadAndCheck(["person1@contoso.exmaple", "preson2@contoso.example", "persn3@contoso.example"]);
    // Person 2 is invited meanwhile, by hand.
    await t.post("/invitations", { email: "person2@contoso.example" }, { cookie: admin });
    const html = (await page(`/imports/${id}/suggestions`)).replaceAll("<wbr>", "");
    for (const [name, address] of [
      ["Person 1", "person1@contoso.example"],
      ["Person 2", "person2@contoso.example"],
      ["Person 3", "person3@contoso.example"],
    ]) {
      expect(html).toContain(`<strong class="person-name">${name}</strong> <span class="email">${address}</span>`);
    }
    expect(html).toContain("Not invited: Invited since the check.");
    expect(html).toContain("3 rows of");
    expect(html).toContain("look like typos");
    expect(html).toContain("Invite 2 people at the suggested addresses");
    expect(await t.deps.db.select().from(members)).toHaveLength(1);
  });

  it("says one row 'looks like a typo'", async () => {
    const id = await uploadAndCheck(["person1@contoso.exmaple"]);
    const html = await page(`/imports/${id}/suggestions`);
    expect(html).toContain("1 row of");
    expect(html).toContain("looks like a typo of");
    expect(html).toContain("Invite 1 person at the suggested address");
  });

  it("afterwards the page counts the people it invited as invited, not as ready, and offers no Send Invite for them", async () => {
    const id = await uploadAndCheck(["person1@contoso.exmaple", "preson2@contoso.example"]);
    expect((await t.post(`/imports/${id}/use-suggestions`, {}, { cookie: admin })).status).toBe(303);
    await drain();
    expect(await importOf(id)).toMatchObject({ status: "ready", readyCount: 0, sentCount: 2, errorCount: 0 });
    const html = await page(`/imports/${id}`);
    expect(html).toMatch(/<span class="count">2<\/span> invited/);
    expect(html).not.toContain("ready to invite");
    expect(html).not.toContain("Send Invite");
    expect((await t.post(`/imports/${id}/send`, {}, { cookie: admin, htmx: true })).status).toBe(409);
  });
});

describe("the activity log", () => {
  it("logs each send with the number of people it invited: nobody when everyone was already invited from another file", async () => {
    const a = await uploadAndCheck(["person1@contoso.example", "person2@contoso.example"], "A.csv");
    const b = await uploadAndCheck(["person1@contoso.example"], "B.csv");
    for (const id of [a, b]) {
      await t.post(`/imports/${id}/send`, {}, { cookie: admin });
      await drain();
    }
    const text = await activity();
    expect(text).toContain("Sent invitations from “A.csv” (2 people)");
    expect(text).toContain("Sent Invite for “B.csv”: nobody was invited");
    expect(text).not.toContain("“B.csv” (1 person)");
  });

  it("logs Send Invite and Use suggestions pressed together each with its own people", async () => {
    const id = await uploadAndCheck(["person1@contoso.example", "preson2@contoso.example", "persn3@contoso.example"], "C.csv");
    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await t.post(`/imports/${id}/use-suggestions`, {}, { cookie: admin });
    await drain();
    const text = await activity();
    expect(text).toContain("Sent invitations from “C.csv” (1 person)");
    expect(text).toContain("Invited the suggested addresses from “C.csv” (2 people)");
  });
});

describe("Send Invite judges every row against the present", () => {
  it("does not invite a person archived after the check, and says why", async () => {
    // Person 1 and 2 are invited, then checked in a file as already invited; then both are archived.
    await t.post("/invitations", { email: ["person1@contoso.example", "person2@contoso.example"] }, { cookie: admin });
    const id = await uploadAndCheck(["person1@contoso.example", "person2@contoso.example", "person3@contoso.example", "person4@contoso.example"]);
    expect((await rowsOf(id)).map((r) => r.code)).toEqual(["already_invited", "already_invited", "ready", "ready"]);
    // Person 3 is invited by hand and archived after the check; person 1 too. Person 2 joins.
    await t.post("/invitations", { email: "person3@contoso.example" }, { cookie: admin });
    for (const email of ["person1@contoso.example", "person3@contoso.example"]) {
      await t.post(`/users/${(await memberOf(email))!.id}/archive`, { confirm: "yes" }, { cookie: admin });
    }
    await t.deps.db.write((tx) => tx.update(members).set({ status: "active" }).where(eq(members.emailNorm, "person2@contoso.example")));

    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await drain();
    const rows = await rowsOf(id);
    expect(rows.map((r) => [r.code, r.outcome])).toEqual([
      ["archived_after_check", "skipped"],
      ["already_active", "skipped"],
      ["archived_after_check", "skipped"],
      ["ready", "ready"],
    ]);
    expect(rows[0]!.message).toBe("Archived after the check, so not invited. To give them access again, use Invite again on the Users page.");
    expect(rows[1]!.message).toBe("Already a member.");
    expect((await memberOf("person1@contoso.example"))!.status).toBe("archived");
    expect((await memberOf("person3@contoso.example"))!.status).toBe("archived");
    expect(await importOf(id)).toMatchObject({ sentCount: 1, readyCount: 0, skippedCount: 3, errorCount: 0 });
    expect(await page(`/imports/${id}`)).toContain("Archived after the check");
  });

  it("invites again a person the check found archived (the admin saw 'will be invited again'), unless re-archived after the check", async () => {
    await t.post("/invitations", { email: ["person5@contoso.example", "person6@contoso.example"] }, { cookie: admin });
    for (const email of ["person5@contoso.example", "person6@contoso.example"]) {
      await t.post(`/users/${(await memberOf(email))!.id}/archive`, { confirm: "yes" }, { cookie: admin });
    }
    const id = await uploadAndCheck(["person5@contoso.example", "person6@contoso.example"]);
    expect((await rowsOf(id)).map((r) => r.message)).toEqual(["Archived member: will be invited again.", "Archived member: will be invited again."]);
    // Person 6 is invited again by hand and archived again, after the check.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const six = (await memberOf("person6@contoso.example"))!.id;
    await t.post(`/users/${six}/reinvite`, {}, { cookie: admin });
    await t.post(`/users/${six}/archive`, { confirm: "yes" }, { cookie: admin });
    await t.post(`/imports/${id}/send`, {}, { cookie: admin });
    await drain();
    expect((await rowsOf(id)).map((r) => r.code)).toEqual(["ready", "archived_after_check"]);
    expect((await memberOf("person5@contoso.example"))!.status).toBe("invited");
    expect((await memberOf("person6@contoso.example"))!.status).toBe("archived");
  });

  it("a row invited since the check by another upload gets advice that fits: no 'use Resend'", async () => {
    const a = await uploadAndCheck(["person7@contoso.example"], "A.csv");
    const b = await uploadAndCheck(["person7@contoso.example"], "B.csv");
    await t.post(`/imports/${a}/send`, {}, { cookie: admin });
    await drain();
    await t.post(`/imports/${b}/send`, {}, { cookie: admin });
    await drain();
    const [row] = await rowsOf(b);
    expect(row).toMatchObject({ code: "already_invited", outcome: "skipped" });
    expect(row!.message).toBe("Invited since the check (another upload or the Invite button), so not invited again; they have not joined yet.");
    const counts = (
      await t.deps.db
        .select({ n: sql<number>`count(*)` })
        .from(members)
        .where(and(eq(members.emailNorm, "person7@contoso.example")))
    )[0]!.n;
    expect(counts).toBe(1);
  });
});

describe("the sample CSV", () => {
  it("uses the signed-in organization's own people, so every row of it checks as ready there", async () => {
    const sample = await (await t.get("/imports/sample.csv", { cookie: admin })).text();
    const lines = sample.trim().split("\r\n");
    expect(lines[0]).toBe("email");
    expect(lines.slice(1).every((l) => l.endsWith("@contoso.example"))).toBe(true);
    expect(sample).not.toContain("contoso.com");
    const id = await uploadAndCheck(lines.slice(1), "bulk-upload-sample.csv");
    expect((await rowsOf(id)).map((r) => r.code)).toEqual(["ready", "ready"]);
  });

  it("in the demo organization too", async () => {
    const demo = await createTestApp({ seedDemo: true });
    try {
      const cookie = await demo.signInAs("alex.admin@contoso.example");
      const sample = await (await demo.get("/imports/sample.csv", { cookie })).text();
      const form = new FormData();
      form.append("file", new File([sample], "bulk-upload-sample.csv", { type: "text/csv" }));
      const id = (await demo.post("/imports", form, { cookie })).headers.get("Location")!.split("/").pop()!;
      await drainImports({ db: demo.deps.db, publicUrl: ORIGIN });
      const rows = await demo.deps.db.select().from(importRows).where(eq(importRows.importId, id));
      expect(rows.map((r) => r.code)).toEqual(["ready", "ready"]);
    } finally {
      demo.close();
    }
  });
});

describe("words that agree with their numbers", () => {
  it("the recent uploads on the Users page say '1 error', not '1 errors'", async () => {
    await uploadAndCheck(["nobody@contoso.example"], "one.csv");
    const html = await page("/users");
    expect(html).toContain("0 ready, 0 skipped, 1 error");
    expect(html).not.toContain("1 errors");
  });
});

describe("escaping", () => {
  it("a suggested person's directory name is escaped on the suggestions page, the import page and the status widget", async () => {
    const EVIL = `<img src=x onerror="alert(1)">`;
    await createOrganization(t.deps.db, {
      name: "Contoso",
      domain: "contoso.example",
      people: [{ email: "evil.person@contoso.example", displayName: `Evil ${EVIL}` }],
    });
    const id = await uploadAndCheck(["evil.preson@contoso.example"]);
    for (const path of [`/imports/${id}/suggestions`, `/imports/${id}`, `/imports/${id}/status`]) {
      const html = await page(path);
      expect(html, path).not.toContain(EVIL);
    }
    const suggestions = await page(`/imports/${id}/suggestions`);
    expect(suggestions).toContain("Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(await page(`/imports/${id}`)).toContain("Did you mean evil.person@contoso.example (Evil &lt;img");
  });
});
