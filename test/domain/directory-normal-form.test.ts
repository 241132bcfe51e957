// A directory value of blanks or invisible characters only is stored as no value, whichever way
// the person arrives (an Entra export, a delta sync, SCIM): one normal form, so such a value never
// matches another person's, an invited address, or a search.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { directoryPeople } from "../../src/db/schema.js";
import { normalizeAddressOrNull } from "../../src/domain/addresses.js";
import { findOrCreateOrganization, upsertDirectoryPeople } from "../../src/domain/directory.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.close());

describe("a directory value of blanks or invisible characters only", () => {
  it("normalizes to no value, as a missing one does", () => {
    for (const blank of ["", " ", "\u200b", " \u200b\ufeff\t", undefined, null]) expect(normalizeAddressOrNull(blank), JSON.stringify(blank)).toBeNull();
    expect(normalizeAddressOrNull(" Ann@Contoso.Example\u200b")).toBe("ann@contoso.example");
  });

  it("is stored as no mail, given name, surname or department by the directory import", async () => {
    const { db } = database;
    const org = await db.write((tx) => findOrCreateOrganization(tx, { name: "Contoso", domains: ["contoso.example"] }));
    await db.write((tx) =>
      upsertDirectoryPeople(tx, org.id, [
        {
          entraObjectId: null,
          userPrincipalName: "ann@contoso.example",
          mail: " \u200b",
          displayName: "Ann",
          givenName: "\u200b",
          surname: " ",
          jobTitle: null,
          department: "\ufeff",
          accountEnabled: true,
        },
      ]),
    );
    const [ann] = await db.select().from(directoryPeople).where(eq(directoryPeople.orgId, org.id));
    expect({ mail: ann!.mailNorm, given: ann!.givenNorm, surname: ann!.surnameNorm, department: ann!.departmentNorm }).toEqual({
      mail: null,
      given: null,
      surname: null,
      department: null,
    });
    expect(ann!.upnNorm).toBe("ann@contoso.example");
  });
});
