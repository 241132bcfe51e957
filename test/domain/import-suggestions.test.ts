// "Did you mean" through the real validation job: the demo directory's examples from issue 15,
// and a property over generated directories: a suggestion, if made, is the person one edit away;
// and the nearest domains a mistyped domain is checked against.
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, importRows } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { normalizeAddress } from "../../src/domain/addresses.js";
import { createImport } from "../../src/domain/import-upload.js";
import { nearestDomains } from "../../src/domain/import-suggestions.js";
import { seedDemo } from "../../src/demo/seed.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function adminOf(orgId: string, mail: string): Promise<Actor> {
  const [admin] = await database.db
    .select()
    .from(directoryPeople)
    .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.mailNorm, mail)));
  return { personId: admin!.id, orgId, name: admin!.displayName };
}

async function check(actor: Actor, lines: string[]) {
  const created = await createImport(
    database.db,
    actor,
    { fileName: "people.csv", bytes: utf8(["email", ...lines].join("\n")) },
    { maxBytes: 1 << 20, maxRows: 10_000 },
  );
  if (!created.ok) throw new Error(created.message);
  await drainImports({ db: database.db, publicUrl: "http://localhost", chunkSize: 50 });
  return database.db.select().from(importRows).where(eq(importRows.importId, created.importId)).orderBy(importRows.rowNumber);
}

describe("the demo directory (src/demo/contoso-directory.csv)", () => {
  it("answers each example of the issue with the person meant, or with nothing", async () => {
    const { orgId } = await seedDemo(database.db);
    const rows = await check(await adminOf(orgId, "alex.admin@contoso.example"), [
      "mei.bryant@contso.example",
      "leo.taylor@contso.example",
      "aaliyah.hall3@contoso.example",
      "aaliyah.hall@contso.example",
    ]);
    expect(rows.map((r) => [r.code, r.suggestion])).toEqual([
      // Their own accounts (disabled), not kai.bryant or leo.taylor2.
      ["account_disabled", "mei.bryant@contoso.example"],
      ["account_disabled", "leo.taylor@contoso.example"],
      // aaliyah.hall and aaliyah.hall2 are a digit away: nobody is suggested.
      ["not_in_directory", null],
      // A single clear typo of Aaliyah Hall, who is already a member in the demo: her own outcome.
      ["already_active", "aaliyah.hall@contoso.example"],
    ]);
    expect(rows[0]!.message).toContain("mei.bryant@contoso.example (Mei Bryant)");
    expect(rows[0]!.message).toContain("disabled");
    expect(rows[3]!.message).toBe("Not in the directory as typed; did you mean aaliyah.hall@contoso.example (Aaliyah Hall)? Already a member.");
  });

  it("robin.fox@contso.example is Robin Fox (disabled), never Robin Cox", async () => {
    const org = await createOrganization(database.db, {
      name: "Robins",
      domain: "contoso.example",
      people: [
        { email: "admin@contoso.example", isAdmin: true },
        { email: "robin.fox@contoso.example", displayName: "Robin Fox", accountEnabled: false },
        { email: "robin.cox@contoso.example", displayName: "Robin Cox" },
      ],
    });
    const admin = await adminOf(org.id, "admin@contoso.example");
    const rows = [...(await check(admin, ["robin.fox@contso.example", "robin.xox@contoso.example"])), ...(await check(admin, ["robin.fxo@contoso.example"]))];
    expect(rows.map((r) => [r.code, r.suggestion])).toEqual([
      ["account_disabled", "robin.fox@contoso.example"],
      ["not_in_directory", null],
      ["account_disabled", "robin.fox@contoso.example"],
    ]);
    expect(rows.every((r) => !r.message!.includes("robin.cox"))).toBe(true);
  });
});

describe("property", () => {
  it("for any directory and any address one edit away from person A, a suggestion, if made, is A", async () => {
    let n = 0;
    // Three letters, five to seven of them: most typed addresses have several people near them.
    const local = fc.string({ unit: fc.constantFrom("a", "b", "1"), minLength: 5, maxLength: 7 });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(local, { minLength: 2, maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        fc.nat(3),
        fc.constantFrom("a", "b", "1"),
        fc.boolean(),
        async (locals, who, at, kind, letter, enabled) => {
          const intended = locals[who % locals.length]!;
          const i = at % intended.length;
          const typed = [
            intended.slice(0, i) + intended.slice(i + 1),
            intended.slice(0, i) + letter + intended.slice(i),
            intended.slice(0, i) + letter + intended.slice(i + 1),
            i + 1 < intended.length ? intended.slice(0, i) + intended[i + 1] + intended[i] + intended.slice(i + 2) : intended + letter,
          ][kind]!;
          fc.pre(!locals.includes(typed));
          const domain = `p${++n}.example`;
          const org = await createOrganization(database.db, {
            name: `Property ${n}`,
            domain,
            people: [
              { email: `admin.person@${domain}`, isAdmin: true },
              ...locals.map((l) => ({ email: `${l}@${domain}`, displayName: l, accountEnabled: l !== intended || enabled })),
            ],
          });
          const [row] = await check(await adminOf(org.id, `admin.person@${domain}`), [`${typed}@${domain}`]);
          if (row!.suggestion !== null) expect(row!.suggestion).toBe(`${intended}@${domain}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

// The domain half of "did you mean": validation looks up the organization's domains nearest to a
// row's domain, as normalizeAddress left it (trimmed, lower case).
describe("nearestDomains", () => {
  const near = (typed: string, domains: string[]) => nearestDomains(normalizeAddress(typed), domains);
  const org = ["contoso.com", "contoso.example", "fabrikam.co.uk"];

  it.each([
    ["contoso.con", "contoso.com"],
    ["contsoo.com", "contoso.com"],
    ["CONTOSO.CMO", "contoso.com"],
    ["contoso.exmaple", "contoso.example"],
    ["contoso.exampel", "contoso.example"],
    ["fabrikam.co.k", "fabrikam.co.uk"],
  ])("%s -> %s", (typed, fixed) => {
    expect(near(typed, org)).toEqual([fixed]);
  });

  it("suggests nothing for one of the org's domains, another company, or an empty domain", () => {
    expect(near("contoso.com", org)).toEqual([]);
    expect(near("Contoso.Example", org)).toEqual([]);
    expect(near("gmail.com", org)).toEqual([]);
    expect(near("northwind.com", org)).toEqual([]);
    expect(near("", org)).toEqual([]);
    expect(near("contoso.con", [])).toEqual([]);
  });

  it("allows only one edit on short domains", () => {
    expect(near("ge.co", ["ge.com"])).toEqual(["ge.com"]);
    expect(near("gm.co", ["ge.com"])).toEqual([]);
  });

  it("checks 100,000 domains against the org's in well under a second", () => {
    const typed = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? "contoso.con" : i % 3 ? "contoso.com" : `other${i}.example`));
    const started = performance.now();
    let fixes = 0;
    for (const domain of typed) if (nearestDomains(domain, org).length > 0) fixes++;
    const elapsed = performance.now() - started;
    expect(fixes).toBe(10_000);
    expect(elapsed).toBeLessThan(500);
  });
});
