// The Users search against a real libSQL database: the start of any word of the name and the
// start of the address; keyset pages that never repeat or skip a row; counts per status of the
// matches; and the words kept right by the triggers when a member is renamed, changes status or
// goes. A property test compares every page of random searches with the rule applied by hand.
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memberNameWords, members, type MemberStatus } from "../../src/db/schema.js";
import { findOrCreateOrganization } from "../../src/domain/directory.js";
import { searchTermsOf } from "../../src/domain/member-search.js";
import { countListedMembers, listMembers, type MemberListQuery, type SearchTuning } from "../../src/domain/members.js";
import { openDatabase } from "../../src/db/client.js";
import { readStatement } from "../../src/db/driver.js";
import type { InStatement } from "@libsql/client";
import { newId } from "../../src/ids.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
let orgId: string;
let otherOrgId: string;

beforeEach(async () => {
  database = await createTestDatabase();
  orgId = (await database.db.write((tx) => findOrCreateOrganization(tx, { name: "Fabrikam", domains: ["fabrikam.example"] }))).id;
  otherOrgId = (await database.db.write((tx) => findOrCreateOrganization(tx, { name: "Other", domains: ["other.example"] }))).id;
});
afterEach(() => database.close());

type Seed = { name: string; email: string; status?: MemberStatus; org?: string };

async function addMembers(seeds: Seed[]): Promise<string[]> {
  const rows = seeds.map((s) => ({
    id: newId(),
    orgId: s.org ?? orgId,
    email: s.email,
    emailNorm: s.email.toLowerCase(),
    name: s.name,
    sortName: s.name.normalize("NFC").toLowerCase(),
    status: s.status ?? "invited",
    invitedAt: new Date(),
  }));
  for (let i = 0; i < rows.length; i += 200) await database.db.write((tx) => tx.insert(members).values(rows.slice(i, i + 200)));
  return rows.map((r) => r.id);
}

/** Every row a search finds, page after page (keyset), in order. */
async function searchAll(query: MemberListQuery, pageSize?: number, tuning?: SearchTuning): Promise<{ emails: string[]; pages: number }> {
  const emails: string[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await listMembers(database.db, orgId, { ...query, after }, pageSize, tuning);
    emails.push(...page.rows.map((r) => r.email));
    after = page.next ?? undefined;
    pages++;
  } while (after);
  return { emails, pages };
}

const found = async (q: string, status?: MemberStatus) => (await searchAll({ q, status })).emails.sort();

describe("searching the Users list", () => {
  beforeEach(async () => {
    await addMembers([
      { name: "Maya Garcia", email: "maya.garcia@fabrikam.example" },
      { name: "José Garcia-López", email: "jose.g@fabrikam.example", status: "active" },
      { name: "Ana María de la Cruz", email: "ana@fabrikam.example", status: "archived" },
      { name: "Smith, John", email: "j.smith@fabrikam.example" },
      { name: "(Contractor) Ben Ode", email: "ben.ode@fabrikam.example" },
      { name: "Garcia Other Org", email: "garcia@other.example", org: otherOrgId },
    ]);
  });

  it("finds people by the start of any word of their name, as the type-ahead does", async () => {
    expect(await found("garcia")).toEqual(["jose.g@fabrikam.example", "maya.garcia@fabrikam.example"]);
    expect(await found("GARC")).toEqual(["jose.g@fabrikam.example", "maya.garcia@fabrikam.example"]);
    expect(await found("lópez")).toEqual(["jose.g@fabrikam.example"]);
    expect(await found("cruz")).toEqual(["ana@fabrikam.example"]);
    expect(await found("john")).toEqual(["j.smith@fabrikam.example"]);
    expect(await found("contractor")).toEqual(["ben.ode@fabrikam.example"]);
    expect(await found("ode")).toEqual(["ben.ode@fabrikam.example"]);
  });

  it("finds several words in a row, whatever separates them, and the start of the address", async () => {
    expect(await found("garcia l")).toEqual(["jose.g@fabrikam.example"]);
    expect(await found("garcia-ló")).toEqual(["jose.g@fabrikam.example"]);
    expect(await found("de la cruz")).toEqual(["ana@fabrikam.example"]);
    expect(await found("maría cruz")).toEqual([]);
    expect(await found("maya garcia")).toEqual(["maya.garcia@fabrikam.example"]);
    expect(await found("j.smith@")).toEqual(["j.smith@fabrikam.example"]);
    expect(await found("arcia")).toEqual([]); // the start of a word, not the middle
  });

  it("narrows by status, and counts the matches per status", async () => {
    expect(await found("garcia", "active")).toEqual(["jose.g@fabrikam.example"]);
    expect(await found("garcia", "archived")).toEqual([]);
    expect(await countListedMembers(database.db, orgId, "garcia")).toEqual({ all: 2, invited: 1, active: 1, archived: 0 });
    // A person found twice (by a word and by the address) is counted once.
    expect(await countListedMembers(database.db, orgId, "ben")).toEqual({ all: 1, invited: 1, active: 0, archived: 0 });
    expect(await countListedMembers(database.db, orgId, "")).toEqual({ all: 5, invited: 3, active: 1, archived: 1 });
  });

  it("keeps the words right when a member is renamed, changes status or is removed", async () => {
    const [id] = await addMembers([{ name: "Lee Park", email: "lee@fabrikam.example" }]);
    expect(await found("park")).toEqual(["lee@fabrikam.example"]);
    await database.db.write((tx) => tx.update(members).set({ name: "Lee Kim", sortName: "lee kim" }).where(eq(members.id, id!)));
    expect(await found("park")).toEqual([]);
    expect(await found("kim")).toEqual(["lee@fabrikam.example"]);
    await database.db.write((tx) => tx.update(members).set({ status: "active" }).where(eq(members.id, id!)));
    expect(await found("kim", "invited")).toEqual([]);
    expect(await found("kim", "active")).toEqual(["lee@fabrikam.example"]);
    await database.db.write((tx) => tx.delete(members).where(eq(members.id, id!)));
    expect(await found("kim")).toEqual([]);
    expect(await database.db.select().from(memberNameWords).where(eq(memberNameWords.memberId, id!))).toEqual([]);
  });

  /** The query plan of the page statement a listing reads (the one that joins the directory). */
  async function pagePlan(q: string, after?: string) {
    const seen: InStatement[] = [];
    const watched = await openDatabase(database.url, undefined, { onRead: (stmt) => seen.push(stmt) });
    try {
      const page = await listMembers(watched.db, orgId, { q, after });
      const pageRead = seen.find((stmt): stmt is Exclude<InStatement, string> => typeof stmt !== "string" && stmt.sql.includes("directory_people"));
      expect(pageRead).toBeDefined();
      const plan = (await readStatement(database.db, { sql: `EXPLAIN QUERY PLAN ${pageRead!.sql}`, args: pageRead!.args ?? [] })).rows
        .map((row) => String(row.detail))
        .join("\n");
      return { page, plan };
    } finally {
      watched.close();
    }
  }

  it("finds a one-letter search's page reading a page at most of each source, in name order", async () => {
    // Every member has a later word and an address starting "k"; their names start with digits.
    await addMembers(Array.from({ length: 600 }, (_, i) => ({ name: `${String(i).padStart(4, "0")} K${i}`, email: `k${i}@fabrikam.example` })));
    // Found by the name (its later word and address start with "k" too), and by the address alone.
    await addMembers([
      { name: "Kai Kern", email: "kai@fabrikam.example", status: "active" },
      { name: "0000 Zed", email: "kz@fabrikam.example", status: "archived" },
    ]);
    const { page, plan } = await pagePlan("k");
    expect(page.rows.map((r) => r.email)).toEqual([
      "k0@fabrikam.example",
      "kz@fabrikam.example",
      ...Array.from({ length: 48 }, (_, i) => `k${i + 1}@fabrikam.example`),
    ]);
    // The words of "k" per status and the addresses starting "k" but not the name, each in name
    // order; the address range (every member here) is not read, nor is any source sorted whole.
    expect(plan).toMatch(/member_name_words USING PRIMARY KEY \(org_id=\? AND initial=\? AND status=\?\)/);
    expect(plan).toMatch(/members_org_address_initial/);
    expect(plan).not.toMatch(/members_org_email_sort|USE TEMP B-TREE FOR GROUP BY/);
    // The page's members are found by their (name, id) keys in the name index, not one by one by id.
    expect(plan).toMatch(/SEARCH members USING INDEX members_org_sort \(org_id=\? AND sort_name=\? AND id=\?\)/);
    expect(plan).not.toMatch(/sqlite_autoindex_members/);
    // The next page follows on, and the last page ends with the name's match.
    const next = await pagePlan("k", page.next!);
    expect(next.page.rows[0]!.email).toBe("k49@fabrikam.example");
    expect((await searchAll({ q: "k" })).emails.slice(-1)).toEqual(["kai@fabrikam.example"]);
    // Counts stop past 100 in a status, and say so; below that they are exact.
    expect(await countListedMembers(database.db, orgId, "K")).toEqual({
      all: 102,
      invited: 100,
      active: 1,
      archived: 1,
      atLeast: { invited: true, all: true },
    });
  });

  it("finds a broad word's page in name order, reading a page of its words, not all of them", async () => {
    // 600 members with a later word starting "ka", spread over the list, in two statuses.
    await addMembers(
      Array.from({ length: 600 }, (_, i) => ({
        name: `${String(i).padStart(4, "0")} Ka${i}`,
        email: `p${i}@fabrikam.example`,
        status: i % 2 ? "active" : "invited",
      })),
    );
    const { page, plan } = await pagePlan("ka");
    expect(page.rows.map((r) => r.email)).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}@fabrikam.example`));
    expect(plan).toMatch(/member_name_words USING PRIMARY KEY \(org_id=\? AND initial=\? AND status=\?\)/);
    expect(plan).not.toMatch(/USE TEMP B-TREE FOR GROUP BY/);
    const next = await listMembers(database.db, orgId, { q: "ka", after: page.next! });
    expect(next.rows[0]!.email).toBe("p50@fabrikam.example");
    expect((await listMembers(database.db, orgId, { q: "ka", status: "active" })).rows[0]!.email).toBe("p1@fabrikam.example");
    // A narrow word (ka12, ka120 to ka129) reads its own range instead, and sorts those few.
    const narrow = await pagePlan("ka12");
    expect(narrow.page.rows.map((r) => r.email)).toEqual(["p12@fabrikam.example", ...Array.from({ length: 10 }, (_, i) => `p${120 + i}@fabrikam.example`)]);
    expect(narrow.plan).toMatch(/member_name_words USING COVERING INDEX member_name_words_word \(org_id=\? AND word>\? AND word<\?\)/);
    expect(narrow.plan).not.toMatch(/member_name_words USING PRIMARY KEY/);
    for (const { plan: read } of [{ plan }, narrow, await pagePlan("ka", page.next!), await pagePlan("p1@fab")]) {
      expect(read).toMatch(/SEARCH members USING INDEX members_org_sort \(org_id=\? AND sort_name=\? AND id=\?\)/);
      expect(read).not.toMatch(/sqlite_autoindex_members/);
    }
  });

  it("counts a status exactly below 100 per source, however its sources add up, and 100+ once one source alone has more", async () => {
    await addMembers([
      // Invited: 150 names starting "zed" (the name's range has more than 100).
      ...Array.from({ length: 150 }, (_, i) => ({ name: `Zed Inv${i}`, email: `inv${i}@fabrikam.example` })),
      // Active: 60 by the name, 60 by a later word, two by the address as well: 122 people, no
      // source with more than 100.
      ...Array.from({ length: 60 }, (_, i) => ({ name: `Zed Act${i}`, email: `act${i}@fabrikam.example`, status: "active" as const })),
      ...Array.from({ length: 60 }, (_, i) => ({ name: `Ann Zed${i}`, email: `ann${i}@fabrikam.example`, status: "active" as const })),
      { name: "Zed Both", email: "zed.both@fabrikam.example", status: "active" },
      { name: "Bob Zed", email: "zed.bob@fabrikam.example", status: "active" },
      // Archived: 101 found by the address alone.
      ...Array.from({ length: 101 }, (_, i) => ({ name: `Person ${i}`, email: `zed${i}@fabrikam.example`, status: "archived" as const })),
    ]);
    const expected = { all: 322, invited: 100, active: 122, archived: 100, atLeast: { invited: true, archived: true, all: true } };
    for (const q of ["z", "zed", "ZE"]) {
      expect(await countListedMembers(database.db, orgId, q), q).toEqual(expected);
      expect(await countListedMembers(database.db, orgId, q, { broadWordAt: 0 }), `${q} broad`).toEqual(expected);
    }
    // Under the limit in every source and in all: exact everywhere.
    expect(await countListedMembers(database.db, orgId, "zed act1")).toEqual({ all: 11, invited: 0, active: 11, archived: 0 });
  });

  it("pages a search with more matches than a page, never repeating or skipping anyone", async () => {
    await addMembers(Array.from({ length: 130 }, (_, i) => ({ name: `Person ${String(i).padStart(3, "0")} Garcia`, email: `p${i}@fabrikam.example` })));
    const { emails, pages } = await searchAll({ q: "garcia" });
    expect(pages).toBe(3);
    expect(emails).toHaveLength(132);
    expect(new Set(emails).size).toBe(132);
    // Counting stops past 100 in a status, and says so.
    expect(await countListedMembers(database.db, orgId, "garcia")).toEqual({
      all: 101,
      invited: 100,
      active: 1,
      archived: 0,
      atLeast: { invited: true, all: true },
    });
    expect(await countListedMembers(database.db, orgId, "person 00")).toEqual({ all: 10, invited: 10, active: 0, archived: 0 });
  });
});

// The rule by hand: a prefix of the sort name or the address, or of a later word of the name
// (several words: the first whole, all of them in a row).
const SEPARATOR = /[ \-,.()/"]/;
function matchesByHand(sortName: string, emailNorm: string, q: string): boolean {
  const terms = searchTermsOf(q)!;
  if (sortName.startsWith(terms.q) || emailNorm.startsWith(terms.q)) return true;
  const later = sortName.split(SEPARATOR).slice(1).filter(Boolean);
  if (!terms.word) return false;
  if (!terms.phrase) return later.some((w) => w.startsWith(terms.word!));
  return later.includes(terms.word) && ` ${sortName.replace(/[-,.()/"]/g, " ")}`.includes(` ${terms.phrase}`);
}

describe("searching, as a property", () => {
  const words = ["ana", "anabel", "ben", "benito", "garcia", "garcía", "lee", "lopez", "de", "la", "o'neil", "zoë"];
  const separators = [" ", " ", " ", "-", ", ", " (", ") ", "."];
  const name = fc
    .tuple(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }), fc.array(fc.constantFrom(...separators), { minLength: 4, maxLength: 4 }))
    .map(([ws, seps]) => ws.map((w, i) => (i === 0 ? w : seps[i - 1] + w)).join(""));
  const status = fc.constantFrom<MemberStatus>("invited", "active", "archived");
  const query = fc.oneof(
    fc.constantFrom(...words).chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => w.slice(0, n))),
    fc
      .tuple(fc.constantFrom(...words), fc.constantFrom(" ", "-"), fc.constantFrom(...words))
      .chain(([a, s, b]) => fc.integer({ min: 1, max: b.length }).map((n) => `${a}${s}${b.slice(0, n)}`)),
  );

  /** The address starts with one word of the name: the first, or (every third person) the last,
   *  so that some addresses start with another letter than the name. */
  const addressOf = (name: string, i: number) => {
    const nameWords = name.split(SEPARATOR).filter(Boolean);
    return `${i % 3 === 2 ? nameWords.at(-1) : nameWords[0]}${i}@fabrikam.example`;
  };

  it("every page of every search and filter is exactly the matching rows in name order, counted right", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(name, status), { minLength: 60, maxLength: 160 }),
        fc.array(query, { minLength: 4, maxLength: 8 }),
        async (people, queries) => {
          await database.db.write((tx) => tx.delete(members));
          const ids = await addMembers(people.map(([n, s], i) => ({ name: n, email: addressOf(n, i), status: s })));
          const rows = people
            .map(([n, s], i) => ({ id: ids[i]!, sortName: n.toLowerCase(), email: addressOf(n, i), status: s }))
            .sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.id < b.id ? -1 : 1));
          for (const q of queries) {
            const matching = rows.filter((r) => matchesByHand(r.sortName, r.email, q));
            for (const s of [undefined, "invited", "active", "archived"] as const) {
              const expected = matching.filter((r) => !s || r.status === s).map((r) => r.email);
              expect((await searchAll({ q, status: s })).emails, `${q} ${s ?? "all"}`).toEqual(expected);
              // Pages of 5, every word read both ways: its range sorted (narrow, as every word here
              // is), and its first letter's words in name order (broad).
              expect((await searchAll({ q, status: s }, 5)).emails, `${q} ${s ?? "all"} pages of 5`).toEqual(expected);
              expect((await searchAll({ q, status: s }, 5, { broadWordAt: 0 })).emails, `${q} ${s ?? "all"} broad`).toEqual(expected);
            }
            const counted = {
              all: matching.length,
              invited: matching.filter((r) => r.status === "invited").length,
              active: matching.filter((r) => r.status === "active").length,
              archived: matching.filter((r) => r.status === "archived").length,
            };
            expect(await countListedMembers(database.db, orgId, q), q).toEqual(counted);
            expect(await countListedMembers(database.db, orgId, q, { broadWordAt: 0 }), `${q} broad`).toEqual(counted);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
