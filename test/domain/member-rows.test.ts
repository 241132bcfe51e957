// The Users row is read one way: a page of the list and the refresh of a few rows (after a row
// action) map every member alike, whatever their status and whatever their directory person says
// (disabled, left, a job title, or no person at all).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { directoryPeople, members } from "../../src/db/schema.js";
import { findOrCreateOrganization, upsertDirectoryPeople } from "../../src/domain/directory.js";
import { findMemberRows } from "../../src/domain/member-rows.js";
import { listMembers } from "../../src/domain/members.js";
import { newId } from "../../src/ids.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.close());

describe("a Users row", () => {
  it("is the same from a page of the list and from the refresh of a few rows", async () => {
    const { db } = database;
    const org = await db.write((tx) => findOrCreateOrganization(tx, { name: "Contoso", domains: ["contoso.example"] }));
    const person = (local: string, extra: { jobTitle?: string; accountEnabled?: boolean } = {}) => ({
      entraObjectId: null,
      userPrincipalName: `${local}@contoso.example`,
      mail: `${local}@contoso.example`,
      displayName: local,
      givenName: null,
      surname: null,
      jobTitle: extra.jobTitle ?? null,
      department: null,
      accountEnabled: extra.accountEnabled ?? true,
    });
    await db.write((tx) =>
      upsertDirectoryPeople(tx, org.id, [person("ann", { jobTitle: "Engineer" }), person("ben", { accountEnabled: false }), person("cy"), person("dee")]),
    );
    await db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.mailNorm, "cy@contoso.example")));
    const people = await db.select().from(directoryPeople).where(eq(directoryPeople.orgId, org.id));
    const now = Date.now();
    const statuses = ["invited", "active", "archived", "active"] as const;
    await db.write((tx) =>
      tx.insert(members).values([
        ...people.map((p, i) => ({
          id: newId(),
          orgId: org.id,
          personId: p.id,
          email: p.mail!,
          emailNorm: p.mailNorm!,
          name: p.displayName,
          sortName: p.displayNorm,
          status: statuses[i % 4]!,
          invitedAt: new Date(now - i * 1000),
          activatedAt: statuses[i % 4] === "active" ? new Date(now) : null,
          archivedAt: statuses[i % 4] === "archived" ? new Date(now) : null,
        })),
        {
          id: newId(),
          orgId: org.id,
          personId: null,
          email: "nobody@contoso.example",
          emailNorm: "nobody@contoso.example",
          name: "Nobody",
          sortName: "nobody",
          status: "invited" as const,
          invitedAt: null,
        },
      ]),
    );

    const page = await listMembers(db, org.id, {});
    expect(page.rows).toHaveLength(5);
    const refreshed = await findMemberRows(
      db,
      org.id,
      page.rows.map((r) => r.id),
    );
    expect(refreshed).toEqual(page.rows);
    const byName = Object.fromEntries(page.rows.map((r) => [r.name, r]));
    expect(byName.ann).toMatchObject({ jobTitle: "Engineer", leftDirectory: false, accountDisabled: false, status: "invited" });
    expect(byName.ben).toMatchObject({ accountDisabled: true, leftDirectory: false });
    expect(byName.cy).toMatchObject({ leftDirectory: true, accountDisabled: false });
    expect(byName.Nobody).toMatchObject({ jobTitle: null, leftDirectory: false, accountDisabled: false, invitedAt: null });
    expect(byName.dee!.activatedAt).toBeInstanceOf(Date);
  });
});
