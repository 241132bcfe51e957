// Revoking a member's open invitations (archive, invite again, a leaver) reads that member's
// invitations, not every open invitation of the organization: after a send of 80,000 people the
// organization-wide index would make archiving one person read 80,000 rows.
import { and, eq, isNull, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invitations, members } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { revokeOpenInvitationsSql } from "../../src/domain/invitation-rows.js";
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
