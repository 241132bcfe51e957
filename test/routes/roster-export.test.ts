// GET /users.csv: the Users list as filtered on the page (status, search), every page of it,
// streamed as CSV: formula-safe whatever list separator a spreadsheet reads it with, only the
// signed-in admin's organization, and refused (400) for the filters the page refuses.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { members } from "../../src/db/schema.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { actorFor } from "../support/security-fixtures.js";
import { isLiveFormula, readAsSpreadsheet, SEPARATORS } from "../support/spreadsheet.js";

let t: TestApp;
let admin: string;
const HOSTILE_NAME = '=HYPERLINK("http://evil.example","Zed")';

beforeAll(async () => {
  t = await createTestApp();
  const { db } = t.deps;
  await createOrganization(db, { name: "Contoso", domain: "contoso.example", extra: 1200 });
  await createOrganization(db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Fabrikam Admin", isAdmin: true },
      { email: "secret.person@fabrikam.example", displayName: "Secret Person" },
    ],
  });
  const contosoAdmin = await actorFor(db, "admin@contoso.example");
  await db.write((tx) =>
    upsertDirectoryPeople(tx, contosoAdmin.orgId, [
      {
        entraObjectId: null,
        userPrincipalName: "zed@contoso.example",
        mail: "zed@contoso.example",
        displayName: HOSTILE_NAME,
        givenName: null,
        surname: null,
        jobTitle: "+1;=2",
        department: "Sales; @SUM(1)",
        accountEnabled: true,
      },
    ]),
  );
  await inviteMembers(
    db,
    contosoAdmin,
    { emails: [...Array.from({ length: 1200 }, (_, i) => `person${i + 1}@contoso.example`), "zed@contoso.example"] },
    { publicUrl: t.deps.config.publicUrl },
  );
  // Person 1..100 joined, 101..150 archived.
  const byEmail = async (emails: string[]) => (await db.select({ id: members.id }).from(members).where(inArray(members.emailNorm, emails))).map((m) => m.id);
  const joined = await byEmail(Array.from({ length: 100 }, (_, i) => `person${i + 1}@contoso.example`));
  await db.write((tx) =>
    tx
      .update(members)
      .set({ status: "active", activatedAt: new Date("2026-01-02T03:04:05Z") })
      .where(inArray(members.id, joined)),
  );
  await archiveMembers(db, contosoAdmin, await byEmail(Array.from({ length: 50 }, (_, i) => `person${i + 101}@contoso.example`)));
  const fabrikam = await actorFor(db, "admin@fabrikam.example");
  await inviteMembers(db, fabrikam, { emails: ["secret.person@fabrikam.example"] }, { publicUrl: t.deps.config.publicUrl });
  admin = await t.signInAs("admin@contoso.example");
});
afterAll(() => t.close());

async function download(path: string, cookie = admin): Promise<{ response: Response; text: string; records: string[][] }> {
  const response = await t.get(path, { cookie });
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
  const records = readAsSpreadsheet(text.replace(/^\uFEFF/, ""), ",").filter((r) => r.length > 1);
  return { response, text, records };
}

describe("GET /users.csv", () => {
  it("streams every member, all pages, in the list's order, with the columns finance asks for", async () => {
    const { response, text, records } = await download("/users.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="users-all-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(text.startsWith("\uFEFFName,Email,Status,Invited (UTC),Joined (UTC),Job title,Department\r\n")).toBe(true);
    const [, ...rows] = records;
    const all = await t.deps.db
      .select({ email: members.email, sortName: members.sortName, id: members.id })
      .from(members)
      .where(eq(members.orgId, (await actorFor(t.deps.db, "admin@contoso.example")).orgId));
    expect(rows.length).toBe(1201);
    expect(rows.map((r) => r[1])).toEqual(
      all.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.id < b.id ? -1 : 1)).map((m) => m.email),
    );
    const person1 = rows.find((r) => r[1] === "person1@contoso.example")!;
    expect(person1[2]).toBe("Active");
    expect(person1[3]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(person1[4]).toBe("2026-01-02T03:04:05.000Z");
    expect(rows.find((r) => r[1] === "person101@contoso.example")![2]).toBe("Archived");
    expect(rows.find((r) => r[1] === "person1200@contoso.example")!.slice(2, 5)).toEqual(["Invited", expect.stringMatching(/Z$/), ""]);
  });

  it("keeps the page's filters: a status, a search, both", async () => {
    const invited = (await download("/users.csv?status=invited")).records.slice(1);
    expect(invited.length).toBe(1201 - 100 - 50);
    expect(new Set(invited.map((r) => r[2]))).toEqual(new Set(["Invited"]));
    const search = (await download("/users.csv?q=person12")).records.slice(1);
    expect(search.map((r) => r[1]).sort()).toEqual(
      ["person12@contoso.example", ...Array.from({ length: 10 }, (_, i) => `person12${i}@contoso.example`), "person1200@contoso.example"].sort(),
    );
    const both = (await download("/users.csv?status=active&q=person1")).records.slice(1);
    expect(both.length).toBe(12); // person1, 10..19, 100 (of 1..100)
    expect(new Set(both.map((r) => r[2]))).toEqual(new Set(["Active"]));
    const nobody = await download("/users.csv?q=nobody-like-this");
    expect(nobody.response.status).toBe(200);
    expect(nobody.records.length).toBe(1);
  });

  it("has no live formula read with , ; or tab, and gives the text back behind a '", async () => {
    const { text, records } = await download("/users.csv?q=zed");
    for (const separator of SEPARATORS) {
      expect(
        readAsSpreadsheet(text.replace(/^\uFEFF/, ""), separator)
          .flat()
          .filter(isLiveFormula),
        `read with ${JSON.stringify(separator)}`,
      ).toEqual([]);
    }
    expect(records[1]!.slice(0, 2)).toEqual([`'${HOSTILE_NAME}`, "zed@contoso.example"]);
    expect(records[1]!.slice(5)).toEqual(["'+1;'=2", "Sales;' @SUM(1)"]);
  });

  it("holds only the signed-in admin's organization", async () => {
    const ours = await download("/users.csv");
    expect(ours.text).not.toContain("fabrikam");
    const theirs = await download("/users.csv", await t.signInAs("admin@fabrikam.example"));
    expect(theirs.records.slice(1).map((r) => r[1])).toEqual(["secret.person@fabrikam.example"]);
  });

  it("refuses what the page refuses (400), a member without the role (403), and sends the signed-out to sign in", async () => {
    expect((await t.get("/users.csv?status=everyone", { cookie: admin })).status).toBe(400);
    expect((await t.get(`/users.csv?q=${"a".repeat(201)}`, { cookie: admin })).status).toBe(400);
    expect((await t.get("/users.csv", { cookie: await t.signInAs("member@contoso.example") })).status).toBe(403);
    const signedOut = await t.get("/users.csv?status=invited");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/login?next=%2Fusers.csv%3Fstatus%3Dinvited");
  });

  it("is linked from the Users page as Download CSV with the filters kept", async () => {
    const html = await (await t.get("/users?status=invited&q=person1", { cookie: admin })).text();
    expect(html).toContain('<a href="/users.csv?status=invited&amp;q=person1" download="">Download CSV</a>');
    const fragment = await (await t.get("/users?q=person2", { cookie: admin, htmx: true })).text();
    expect(fragment).toContain('href="/users.csv?q=person2"');
  });
});
