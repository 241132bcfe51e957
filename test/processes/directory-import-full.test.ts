// `npm run directory:import -- --full`: the file is the whole directory, so people missing from
// it have left: they are removed and their members archived (invitations revoked, queued emails
// cancelled, no notice). Without --full nobody is removed; --full refuses to remove everyone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createBenchDatabase, type BenchDatabase } from "../support/child-server.js";
import { linesOf, runScript } from "../support/commands.js";
import { readSql } from "../support/db.js";

const HEADER = "id,userPrincipalName,displayName,surname,mail,givenName,userType,jobTitle,department,accountEnabled";
const row = (n: number, name: string, enabled = true) =>
  `0b7e7d1c-000${n}-4000-8000-00000000000${n},${name}@northwind.example,${name},${name},${name}@northwind.example,${name},Member,Driver,Sales,${enabled}`;
const ANN = row(1, "ann");
const BOB = row(2, "bob");
const CARL = row(3, "carl");
const STRANGER = "0b7e7d1c-0009-4000-8000-000000000009,zed@contoso.example,Zed,Zed,zed@contoso.example,Zed,Member,,,true";

let database: BenchDatabase;
let dir: string;
const env = () => ({ DATABASE_URL: database.url });
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const query = <T>(sql: string): Promise<T[]> => readSql<T>(database.db, sql);
const livePeople = async () => (await query<{ mail: string }>("SELECT mail FROM directory_people WHERE removed_at IS NULL ORDER BY mail")).map((p) => p.mail);
const memberStatuses = async () =>
  (await query<{ email: string; status: string }>("SELECT email, status FROM members ORDER BY email")).map((m) => `${m.email} ${m.status}`);
const importFile = (path: string, ...flags: string[]) => runScript("directory:import", ["--org", "Northwind", ...flags, path], env());

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "directory-import-full-"));
});
beforeEach(async () => {
  database?.dispose();
  database = await createBenchDatabase();
  // Northwind with three people; Bob and Carl invited (their emails still queued).
  const first = await runScript(
    "directory:import",
    ["--org", "Northwind", "--admin", "ann@northwind.example", file("all.csv", [HEADER, ANN, BOB, CARL].join("\n"))],
    env(),
  );
  expect(first.code).toBe(0);
  const ann = (await findPersonByAddress(database.db, "ann@northwind.example"))!;
  await inviteMembers(
    database.db,
    { personId: ann.id, orgId: ann.orgId, name: "Ann" },
    { emails: ["bob@northwind.example", "carl@northwind.example"] },
    { publicUrl: "http://localhost:3000" },
  );
});
afterAll(() => {
  database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run directory:import -- --full", () => {
  it("without --full nobody is removed, and it says so", async () => {
    const result = await importFile(file("ann.csv", [HEADER, ANN].join("\n")));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nobody was removed: people missing from the file stay (add --full when the file is the whole directory).");
    expect(await livePeople()).toEqual(["ann@northwind.example", "bob@northwind.example", "carl@northwind.example"]);
    expect(await memberStatuses()).toEqual(["bob@northwind.example invited", "carl@northwind.example invited"]);
  });

  it("--dry-run shows who --full would remove and changes nothing; the real run removes them and archives their members without a notice", async () => {
    const path = file("ann.csv", [HEADER, ANN].join("\n"));
    const dry = await importFile(path, "--full", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Northwind: 2 people not in the file would be removed (they have left): bob@northwind.example, carl@northwind.example.");
    expect(dry.stdout).toContain("2 users who left or whose account is disabled would be archived: open invitations revoked, no email sent.");
    expect(await livePeople()).toHaveLength(3);
    expect(await memberStatuses()).toEqual(["bob@northwind.example invited", "carl@northwind.example invited"]);

    const real = await importFile(path, "--full");
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("Northwind: 2 people not in the file removed (they have left): bob@northwind.example, carl@northwind.example.");
    expect(await livePeople()).toEqual(["ann@northwind.example"]);
    expect(await memberStatuses()).toEqual(["bob@northwind.example archived", "carl@northwind.example archived"]);
    expect(await query("SELECT id FROM invitations WHERE revoked_at IS NULL")).toEqual([]);
    expect((await query<{ status: string; kind: string }>("SELECT status, kind FROM mail_outbox")).map((m) => `${m.kind} ${m.status}`)).toEqual([
      "invitation cancelled",
      "invitation cancelled",
    ]);
    const events = await query<{ actor_id: string | null; detail: string }>("SELECT actor_id, detail FROM audit_events WHERE action = 'member.archive'");
    expect(events).toHaveLength(2);
    for (const e of events) expect({ actor: e.actor_id, ...JSON.parse(e.detail) }).toMatchObject({ actor: null, by: "directory", reason: "left" });
  });

  it("a person the file lists as disabled is archived, with or without --full", async () => {
    const result = await importFile(file("bob-off.csv", [HEADER, ANN, row(2, "bob", false), CARL].join("\n")));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 user who left or whose account is disabled archived");
    expect(await memberStatuses()).toEqual(["bob@northwind.example archived", "carl@northwind.example invited"]);
  });

  it("--full with an empty file, or a file without people, refuses to remove everyone and says why", async () => {
    const empty = await importFile(file("empty.csv", ""), "--full");
    expect(empty.code).toBe(1);
    const why = "Nothing was imported and nobody was removed: --full removes people only when the file lists the whole directory, or everyone would go.";
    expect(linesOf(empty.stderr)).toEqual([expect.stringMatching(/The file is empty/)]);
    expect(empty.stderr).toContain(why);
    const headerOnly = await importFile(file("header.csv", `${HEADER}\n`), "--full");
    expect(headerOnly.code).toBe(1);
    expect(linesOf(headerOnly.stderr)).toEqual([expect.stringMatching(/The file has a header but nobody below it/)]);
    expect(headerOnly.stderr).toContain(why);
    expect(await livePeople()).toHaveLength(3);
    expect(await memberStatuses()).toEqual(["bob@northwind.example invited", "carl@northwind.example invited"]);
  });

  it("--full with a file that shares nobody with the directory (another organization's export) refuses too", async () => {
    const result = await importFile(file("other.csv", [HEADER, STRANGER].join("\n")), "--full");
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("--full would remove all 3 people of Northwind's directory: nobody in the file is in it")]);
    expect(await livePeople()).toHaveLength(3);
    expect(await query("SELECT id FROM directory_people WHERE mail = 'zed@contoso.example'")).toEqual([]);
  });
});
