// Invite User counts people, not addresses: two addresses of one person are one invitation,
// listed once (issue 15 item 5).
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, expect, it } from "vitest";
import { invitations, mailOutbox, members } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true },
      { email: "linus@fabrikam.example", userPrincipalName: "linus.torvalds@fabrikam.onmicrosoft.com", displayName: "Linus Torvalds" },
    ],
  });
  admin = await t.signInAs("admin@fabrikam.example");
});
afterEach(() => t.close());

it("'1 person invited' lists one person once, with the other address they were given as", async () => {
  const res = await t.post("/invitations", { email: ["linus@fabrikam.example", "Linus.Torvalds@fabrikam.onmicrosoft.com"] }, { cookie: admin, htmx: true });
  const html = await res.text();
  expect(html).toContain("1 person invited");
  const list = html.match(/<ul class="invited-list"[^>]*>([\s\S]*?)<\/ul>/)![1]!;
  expect(list.match(/<li>/g)).toHaveLength(1);
  expect(list).toContain("linus@fabrikam.example (also given as Linus.Torvalds@fabrikam.onmicrosoft.com)");
  expect(html).not.toContain("Not invited");
  expect(await t.deps.db.select().from(members)).toHaveLength(1);
  expect(await t.deps.db.select().from(invitations)).toHaveLength(1);
  expect(await t.deps.db.select().from(mailOutbox).where(eq(mailOutbox.kind, "invitation"))).toHaveLength(1);
});

it("the same without JavaScript: the result page after the redirect lists the person once", async () => {
  const res = await t.post("/invitations", { email: ["linus@fabrikam.example", "Linus.Torvalds@fabrikam.onmicrosoft.com"] }, { cookie: admin });
  expect(res.status).toBe(303);
  const cookie = [admin, ...res.headers.getSetCookie().map((c) => c.split(";")[0]!)].join("; ");
  const html = await (await t.get(res.headers.get("Location")!, { cookie })).text();
  expect(html).toContain("1 person invited");
  const list = html.match(/<ul class="invited-list"[^>]*>([\s\S]*?)<\/ul>/)![1]!;
  expect(list.match(/<li>/g)).toHaveLength(1);
  expect(list).toContain("linus@fabrikam.example (also given as Linus.Torvalds@fabrikam.onmicrosoft.com)");
});

it("the domain answers one outcome per request, marking a second address of the same person", async () => {
  const person = (await findPersonByAddress(t.deps.db, "admin@fabrikam.example"))!;
  const { invited, outcomes } = await inviteMembers(
    t.deps.db,
    { personId: person.id, orgId: person.orgId, name: "Ada" },
    { emails: ["linus@fabrikam.example", "linus.torvalds@fabrikam.onmicrosoft.com"] },
    { publicUrl: "http://localhost:3000" },
  );
  expect(invited).toBe(1);
  expect(outcomes.map((o) => [o.email, o.result, o.samePersonAs])).toEqual([
    ["linus@fabrikam.example", "invited", undefined],
    ["linus.torvalds@fabrikam.onmicrosoft.com", "invited", "linus@fabrikam.example"],
  ]);
});
