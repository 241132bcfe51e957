// Revoking a member's open invitations (archive, invite again, a leaver) reads that member's
// invitations, not every open invitation of the organization: after a send of 80,000 people the
// organization-wide index would make archiving one person read 80,000 rows. Inviting archived
// members again finds them by id, not among all the organization's archived members.
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invitations, members } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { reviveMembersSql, revokeOpenInvitationsSql } from "../../src/domain/invitation-rows.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const deps = { publicUrl: "https://admin.example" };
let database: TestDatabase;
let actor: Actor;

beforeEach(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, { name: "Revoke", domain: "revoke.example", extra: 40 });
  const admin = (await findPersonByAddress(database.db, "admin@revoke.example", org.id))!;
  actor = { personId: admin.id, orgId: org.id, name: "Admin of Revoke" };
});
afterEach(() => database.close());

const openInvitations = async () =>
  (
    await database.db
      .select({ email: members.email })
      .from(invitations)
      .innerJoin(members, eq(members.id, invitations.memberId))
      .where(and(isNull(invitations.revokedAt), isNull(invitations.acceptedAt)))
  ).map((r) => r.email);

describe("revoking a member's open invitations", () => {
  it("revokes the archived person's link and no one else's", async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `person${i + 1}@revoke.example`);
    const { outcomes } = await inviteMembers(database.db, actor, { emails }, deps);
    await archiveMembers(database.db, actor, [outcomes[4]!.memberId!, outcomes[9]!.memberId!]);
    const open = await openInvitations();
    expect(open).toHaveLength(28);
    expect(open).not.toContain("person5@revoke.example");
    expect(open).not.toContain("person10@revoke.example");
  });

  it("leaves another organization's invitations alone, whatever ids it is given", async () => {
    const other = await createOrganization(database.db, { name: "Other", domain: "other.example", extra: 5 });
    const otherAdmin = (await findPersonByAddress(database.db, "admin@other.example", other.id))!;
    const { outcomes } = await inviteMembers(
      database.db,
      { personId: otherAdmin.id, orgId: other.id, name: "Other admin" },
      { emails: ["person1@other.example"] },
      deps,
    );
    await database.db.write((tx) => tx.run(revokeOpenInvitationsSql(actor.orgId, [outcomes[0]!.memberId!], Date.now())));
    expect(await openInvitations()).toEqual(["person1@other.example"]);
  });

  it("finds them by member, not by walking the organization's open invitations", async () => {
    const explained = await database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${revokeOpenInvitationsSql(actor.orgId, ["m1", "m2"], 1)}`);
    const details = explained.map((r) => r.detail).join(" | ");
    expect(details).toContain("USING INDEX invitations_member (member_id=?)");
    expect(details).not.toContain("invitations_open_last_sent");
  });
});

describe("inviting archived members again", () => {
  it("brings back the archived person invited again, and no one of another organization, whatever ids it is given", async () => {
    const { outcomes } = await inviteMembers(database.db, actor, { emails: ["person1@revoke.example", "person2@revoke.example"] }, deps);
    const [first, second] = outcomes.map((o) => o.memberId!);
    await archiveMembers(database.db, actor, [first!, second!]);
    const other = await createOrganization(database.db, { name: "Other", domain: "other.example", extra: 5 });
    const otherAdmin = (await findPersonByAddress(database.db, "admin@other.example", other.id))!;
    const otherActor = { personId: otherAdmin.id, orgId: other.id, name: "Other admin" };
    const theirs = (await inviteMembers(database.db, otherActor, { emails: ["person1@other.example"] }, deps)).outcomes[0]!.memberId!;
    await archiveMembers(database.db, otherActor, [theirs]);

    await database.db.write((tx) => tx.run(reviveMembersSql(actor.orgId, actor.personId, Date.now(), [first!, theirs])));
    const statuses = await database.db.select({ email: members.email, status: members.status }).from(members).orderBy(members.email);
    expect(statuses.filter((m) => m.status !== "active")).toEqual([
      { email: "person1@other.example", status: "archived" },
      { email: "person1@revoke.example", status: "invited" },
      { email: "person2@revoke.example", status: "archived" },
    ]);
  });

  it("finds them by id, not by walking the organization's archived members", async () => {
    const explained = await database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${reviveMembersSql(actor.orgId, null, 1, ["m1", "m2"])}`);
    const details = explained.map((r) => r.detail).join(" | ");
    expect(details).toMatch(/SEARCH members USING (COVERING )?INDEX sqlite_autoindex_members_1 \(id=\?\)/);
    expect(details).not.toContain("members_org_status_sort");
  });
});
