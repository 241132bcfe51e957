// Groups in Invite User through the real app: departments in the type-ahead (GET
// /directory/search), the no-JavaScript search page, and POST /invitations with group fields.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, directoryGroups, directoryPeople, invitations, mailOutbox, members } from "../../src/db/schema.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";

const EVIL = `<img src=x onerror="alert(1)">`;
let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;
let orgId: string;

const person = (email: string, department: string | null, extra: { accountEnabled?: boolean; displayName?: string } = {}) => ({
  email,
  displayName: extra.displayName ?? email.split("@")[0]!,
  department: department ?? undefined,
  accountEnabled: extra.accountEnabled ?? true,
});

beforeEach(async () => {
  t = await createTestApp();
  const db = t.deps.db;
  const org = await createOrganization(db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true, department: "Finance" },
      { email: "member@fabrikam.example", displayName: "Mo Member" },
      ...["fay", "fred", "fern", "flo"].map((n) => person(`${n}@fabrikam.example`, "Field Services")),
      person("fido.disabled@fabrikam.example", "field services", { accountEnabled: false, displayName: "Fido Disabled" }),
      person("finn.gone@fabrikam.example", "Field Services"),
      person("evil@fabrikam.example", `Fleet ${EVIL}`),
      person("olga@fabrikam.example", "Operations"),
    ],
  });
  orgId = org.id;
  await createOrganization(db, {
    name: "Other",
    domain: "other.example",
    people: [{ email: "admin@other.example", displayName: "Other Admin", isAdmin: true }, person("fiona@other.example", "Field Services")],
  });
  await db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.mailNorm, "finn.gone@fabrikam.example")));
  admin = await t.signInAs("admin@fabrikam.example");
  member = await t.signInAs("member@fabrikam.example");
  otherAdmin = await t.signInAs("admin@other.example");
});
afterEach(() => t.close());

const search = async (q: string, cookie = admin) => (await t.get(`/directory/search?q=${encodeURIComponent(q)}`, { cookie, htmx: true })).text();
const groupOptions = (html: string) => html.match(/<li role="option"[^>]*data-group-id[\s\S]*?<\/li>/g) ?? [];
const groupIdIn = (option: string) => /data-group-id="([^"]+)"/.exec(option)![1]!;
async function departmentId(org: string, nameNorm: string) {
  const [g] = await t.deps.db
    .select()
    .from(directoryGroups)
    .where(and(eq(directoryGroups.orgId, org), eq(directoryGroups.nameNorm, nameNorm)));
  return g!.id;
}
const invitedEmails = async () =>
  (await t.deps.db.select({ email: members.emailNorm, status: members.status }).from(members))
    .filter((m) => m.status === "invited")
    .map((m) => m.email)
    .sort();

describe("departments in the type-ahead", () => {
  it("lists a matching department with its random id and how many of its people can still be invited", async () => {
    const html = await search("fie");
    const [option, ...rest] = groupOptions(html);
    expect(rest).toEqual([]);
    expect(option).toContain("Field Services");
    // Four enabled people; the disabled one and the one who left are not counted.
    expect(option).toContain("Department · 4 people can be invited");
    expect(option).toContain('data-people="4 people"');
    expect(groupIdIn(option!)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(groupIdIn(option!)).toBe(await departmentId(orgId, "field services"));
    expect(html).toContain("1 match");
  });

  it("counts down as people are invited, and a department with no one left reads so and cannot be added", async () => {
    await t.post("/invitations", { email: ["fay@fabrikam.example", "fred@fabrikam.example"] }, { cookie: admin });
    expect(groupOptions(await search("field"))[0]).toContain("2 people can be invited");
    await t.post("/invitations", { email: ["fern@fabrikam.example", "flo@fabrikam.example"] }, { cookie: admin });
    const option = groupOptions(await search("field"))[0]!;
    expect(option).toContain("no one left to invite");
    expect(option).toMatch(/aria-disabled="true"/);
  });

  it("escapes HTML in department names, and shows only the organization's own departments", async () => {
    const html = await search("fle");
    expect(html).toContain("Fleet &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain(EVIL);
    const other = groupOptions(await search("fie", otherAdmin));
    expect(other).toHaveLength(1);
    expect(other[0]).toContain("1 person can be invited");
    expect(groupIdIn(other[0]!)).not.toBe(await departmentId(orgId, "field services"));
  });

  it("a department nobody is in any more is not offered; a new department appears with its first person", async () => {
    await t.deps.db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.mailNorm, "olga@fabrikam.example")));
    expect(groupOptions(await search("op"))).toEqual([]);
    await t.deps.db.write((tx) =>
      upsertDirectoryPeople(tx, orgId, [
        {
          entraObjectId: null,
          userPrincipalName: "quinn@fabrikam.example",
          mail: "quinn@fabrikam.example",
          displayName: "Quinn",
          givenName: null,
          surname: null,
          jobTitle: null,
          department: "Quality Assurance",
          accountEnabled: true,
        },
      ]),
    );
    expect(groupOptions(await search("qu"))[0]).toContain("Quality Assurance");
  });

  it("without JavaScript the search page lists matching groups as checkboxes named group", async () => {
    const page = await (await t.get("/users/invite?q=fie", { cookie: admin })).text();
    const id = await departmentId(orgId, "field services");
    expect(page).toContain(`<input type="checkbox" name="group" value="${id}"/>`);
    expect(page).toContain("Groups matching");
  });
});

describe("POST /invitations with groups", () => {
  it("invites the department's people who can be invited and says who was skipped and why", async () => {
    await t.post("/invitations", { email: "fay@fabrikam.example" }, { cookie: admin });
    const id = await departmentId(orgId, "field services");
    const res = await t.post("/invitations", { group: id }, { cookie: admin, htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("3 people invited");
    expect(html).toMatch(/<section class="group-result" aria-label="Field Services"[\s\S]*3 people invited; 2 people skipped/);
    expect(html).toMatch(/1 person<\/strong>: The directory account is disabled\.<ul><li>fido\.disabled@fabrikam\.example<\/li>/);
    // Already invited: counted, not named (that is what one expects of a group).
    expect(html).toMatch(/<li><strong>1 person<\/strong>: Already invited: use Resend invitation to send the email again\.<\/li>/);
    expect(html).not.toContain("finn.gone");
    expect(await invitedEmails()).toEqual(["fay@fabrikam.example", "fern@fabrikam.example", "flo@fabrikam.example", "fred@fabrikam.example"]);
    // Emails queued for the three; the activity log names the group.
    expect((await t.deps.db.select().from(mailOutbox)).length).toBe(4);
    const [event] = await t.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "group.invite"));
    expect(event!.detail).toMatchObject({ name: "Field Services", invited: 3, skipped: 2 });
  });

  it("a person added alone and in the group is invited once, and reported where they were added", async () => {
    const id = await departmentId(orgId, "field services");
    const html = await (await t.post("/invitations", { email: "fay@fabrikam.example", group: id }, { cookie: admin, htmx: true })).text();
    expect(html).toContain("4 people invited");
    expect(html).toContain("1 person also added above is listed there.");
    expect((await t.deps.db.select().from(invitations)).length).toBe(4);
  });

  it("a group id of another organization answers 404 and invites no one", async () => {
    const theirs = await departmentId(
      (await t.deps.db.select().from(directoryGroups).where(eq(directoryGroups.name, "Field Services"))).find((g) => g.orgId !== orgId)!.orgId,
      "field services",
    );
    for (const group of [theirs, "not-a-group-id", "00000000-0000-4000-8000-000000000000"]) {
      const res = await t.post("/invitations", { group, email: "fay@fabrikam.example" }, { cookie: admin, htmx: true });
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain("A group you chose is not in your organization");
      expect(html).not.toContain("fiona");
    }
    const plain = await t.post("/invitations", { group: theirs }, { cookie: admin });
    expect(plain.status).toBe(404);
    expect(await invitedEmails()).toEqual([]);
    // Its own admin can use it.
    expect((await t.post("/invitations", { group: theirs }, { cookie: otherAdmin })).status).toBe(303);
    expect(await invitedEmails()).toEqual(["fiona@other.example"]);
  });

  it("is for admins only", async () => {
    const id = await departmentId(orgId, "field services");
    expect((await t.post("/invitations", { group: id }, { cookie: member })).status).toBe(403);
    expect(await invitedEmails()).toEqual([]);
  });

  it("a plain form post shows the group's result after the redirect, and a refresh invites no one again", async () => {
    const id = await departmentId(orgId, "field services");
    const posted = await t.post("/invitations", { group: id }, { cookie: admin });
    expect(posted.status).toBe(303);
    const receipt = posted.headers
      .getSetCookie()
      .find((l) => l.startsWith("invite_result="))!
      .split(";")[0]!;
    const html = await (await t.get("/invitations/result", { cookie: `${admin}; ${receipt}` })).text();
    expect(html).toContain("4 people invited");
    expect(html).toMatch(/Field Services<\/h3><p>4 people invited; 1 person skipped\./);
    expect(html).toContain("fido.disabled@fabrikam.example");
    await t.get("/invitations/result", { cookie: `${admin}; ${receipt}` });
    expect((await t.deps.db.select().from(invitations)).length).toBe(4);
  });

  it("refuses more than 20 groups with 422", async () => {
    const res = await t.post(
      "/invitations",
      { group: Array.from({ length: 21 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`) },
      { cookie: admin, htmx: true },
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Invite at most 20 groups at a time.");
  });
});
