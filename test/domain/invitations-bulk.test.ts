// inviteMembers with more people than one statement takes (200 a statement, yielding between
// them inside one transaction): everyone once, the counts the triggers keep, a mix of results.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, invitations, mailOutbox, memberCounts, members } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { sha256Hex } from "../../src/ids.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { withEmail } from "../support/mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

const deps = { publicUrl: "https://admin.example" };
let database: TestDatabase;
let actor: Actor;

beforeEach(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, { name: "Bulk", domain: "bulk.example", extra: 450 });
  const admin = (await findPersonByAddress(database.db, "admin@bulk.example", org.id))!;
  actor = { personId: admin.id, orgId: org.id, name: "Admin of Bulk" };
});
afterEach(() => database.close());

const addresses = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `person${from + i}@bulk.example`);

describe("inviteMembers across statement boundaries", () => {
  it("invites 401 people in one call: 401 members, invitations, emails and audit events, each person once", async () => {
    const result = await inviteMembers(database.db, actor, { emails: addresses(1, 401) }, deps);
    expect(result.invited).toBe(401);
    expect(new Set(result.outcomes.map((o) => o.memberId)).size).toBe(401);
    const count = async (table: typeof members | typeof invitations | typeof mailOutbox | typeof auditEvents) =>
      (await database.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n;
    expect([await count(members), await count(invitations), await count(mailOutbox), await count(auditEvents)]).toEqual([401, 401, 401, 401]);
    const [counted] = await database.db.select({ count: memberCounts.count }).from(memberCounts).where(eq(memberCounts.status, "invited"));
    expect(counted!.count).toBe(401);
    // Every email's link opens its own invitation (the tokens were made in one batch).
    const hashes = new Set((await database.db.select({ h: invitations.tokenHash }).from(invitations)).map((r) => r.h));
    const mails = (
      await database.db.select({ template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql, to: mailOutbox.to }).from(mailOutbox)
    ).map(withEmail);
    for (const mail of mails) expect(hashes.has(sha256Hex(/\/join\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!))).toBe(true);
    expect(new Set(mails.map((m) => m.to)).size).toBe(401);
    const person400 = mails.find((m) => m.to === "person400@bulk.example")!;
    expect(person400.text).toContain("Hi Person 400,");
  });

  it("a second call over an overlapping range invites only the new people, in request order", async () => {
    await inviteMembers(database.db, actor, { emails: addresses(1, 250) }, deps);
    await database.db.write((tx) => tx.update(members).set({ status: "archived" }).where(eq(members.emailNorm, "person201@bulk.example")));
    const again = await inviteMembers(database.db, actor, { emails: [...addresses(200, 450), "nobody@bulk.example", "PERSON300@bulk.example"] }, deps);
    expect(again.invited).toBe(201);
    expect(again.outcomes.slice(0, 3).map((o) => o.result)).toEqual(["already_invited", "reinvited", "already_invited"]);
    expect(again.outcomes.at(-2)!.result).toBe("not_in_directory");
    expect(again.outcomes.at(-1)).toMatchObject({ email: "PERSON300@bulk.example", result: "invited" });
    expect((await database.db.select({ n: sql<number>`count(*)` }).from(members))[0]!.n).toBe(450);
    expect((await database.db.select({ n: sql<number>`count(*)` }).from(invitations))[0]!.n).toBe(451);
  });
});
