// `npm run directory:import` on the files an operator really has: it refuses what it cannot read
// before changing anything (one line, or one line per rejected row, exit 1), reads UTF-16 exports,
// keeps guests' domains out of the organization's, and needs --admin to create an organization.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBenchDatabase, type BenchDatabase } from "../support/child-server.js";
import { linesOf, runScript } from "../support/commands.js";
import { readSql } from "../support/db.js";

const HEADER = "id,userPrincipalName,displayName,surname,mail,givenName,userType,jobTitle,department,accountEnabled";
const ANN = "0b7e7d1c-0001-4000-8000-000000000001,ann.admin@northwind.example,Ann Admin,Admin,ann.admin@northwind.example,Ann,Member,Manager,Finance,true";
const BOB = "0b7e7d1c-0002-4000-8000-000000000002,bob@northwind.example,Bob Brown,Brown,bob@northwind.example,Bob,Member,Driver,Sales,true";
const GUEST =
  "0b7e7d1c-0003-4000-8000-000000000003,gail_fabrikam.example#EXT#@northwind.onmicrosoft.com,Gail Guest,Guest,gail@fabrikam.example,Gail,Guest,,,true";

let database: BenchDatabase;
let dir: string;
const env = () => ({ DATABASE_URL: database.url });

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
async function query<T>(sql: string, args: string[] = []): Promise<T[]> {
  return readSql<T>(database.db, sql, args);
}
const organizationCount = async () => Number((await query<{ n: number }>("SELECT count(*) AS n FROM organizations"))[0]!.n);
const peopleCount = async () => Number((await query<{ n: number }>("SELECT count(*) AS n FROM directory_people"))[0]!.n);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "directory-import-test-"));
});
beforeEach(async () => {
  database?.dispose();
  database = await createBenchDatabase();
});
afterAll(() => {
  database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run directory:import refuses what it cannot read, before changing anything", () => {
  it("an empty file: one line, exit 1, no organization created", async () => {
    const result = await runScript("directory:import", ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("empty.csv", "")], env());
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("The file is empty")]);
    expect(await organizationCount()).toBe(0);
  });

  it("a header without the address columns: names the line and creates nothing", async () => {
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("wrong.csv", "name,phone\nAnn,555\n")],
      env(),
    );
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("Line 1 (the header) has no userPrincipalName or mail column")]);
    expect(await organizationCount()).toBe(0);
  });

  it("an unclosed quote: names the line", async () => {
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("quote.csv", `${HEADER}\n${ANN}\n"${BOB}\n`)],
      env(),
    );
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining(`Line 3 opens a quote (") that never closes`)]);
    expect(await organizationCount()).toBe(0);
  });

  it("rows with control characters or invalid addresses: each with its line number, and nothing imported", async () => {
    const bell = BOB.replace("Bob Brown", "Bob\u0007Brown");
    const bad = ANN.replace(/ann\.admin@northwind\.example/g, "cy@northwind").replace("0001", "0009");
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("rows.csv", `${HEADER}\n${ANN}\n${bell}\n\n${bad}\n`)],
      env(),
    );
    expect(result.code).toBe(1);
    const lines = linesOf(result.stderr);
    expect(lines[0]).toMatch(/2 lines cannot be imported, so nothing was/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}line 3: displayName contains a control character \(U\+0007\)/),
      expect.stringMatching(/^ {2}line 5: userPrincipalName "cy@northwind" is not a valid address/),
    ]);
    expect(await organizationCount()).toBe(0);
    expect(await peopleCount()).toBe(0);
  });

  it("a new organization without --admin: explains --admin and creates nothing", async () => {
    const result = await runScript("directory:import", ["--org", "Northwind", file("ok.csv", `${HEADER}\n${ANN}\n${BOB}\n`)], env());
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining('There is no organization "Northwind" yet: add --admin <address>')]);
    expect(await organizationCount()).toBe(0);
  });

  it("--admin naming someone who is not in the file", async () => {
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "zoe@northwind.example", file("ok.csv", `${HEADER}\n${ANN}\n${BOB}\n`)],
      env(),
    );
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("--admin zoe@northwind.example is not in the file")]);
    expect(await organizationCount()).toBe(0);
  });

  it("in Entra mode: says that the first sign-in creates the organization", async () => {
    const result = await runScript("directory:import", ["--org", "Northwind", file("ok.csv", `${HEADER}\n${ANN}\n`)], {
      ...env(),
      ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      ENTRA_CLIENT_SECRET: "s",
      MAIL_TRANSPORT: "outbox",
    });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("created when its first Business Administrator signs in")]);
    expect(await organizationCount()).toBe(0);
  });

  it("a mistyped DATABASE_URL: refused, and no database is created there", async () => {
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("ok.csv", `${HEADER}\n${ANN}\n`)],
      { DATABASE_URL: `file:${join(database.dir, "ap.db")}` },
    );
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("there is no database at")]);
  });
});

describe("npm run directory:import reads real exports", () => {
  it("a UTF-16 file (Excel's Unicode Text, tab-separated): every address whole, no NUL bytes", async () => {
    const text = [HEADER, ANN, BOB].join("\r\n").replaceAll(",", "\t");
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const result = await runScript("directory:import", ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("unicode.txt", bytes)], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("UTF-16 LE, tab-separated, 2 people");
    const people = await query<{ mail: string; display_name: string; is_admin: number }>(
      "SELECT mail, display_name, is_admin FROM directory_people ORDER BY mail",
    );
    expect(people).toEqual([
      expect.objectContaining({ mail: "ann.admin@northwind.example", display_name: "Ann Admin", is_admin: 1 }),
      expect.objectContaining({ mail: "bob@northwind.example", display_name: "Bob Brown", is_admin: 0 }),
    ]);
  });

  it("a file with a guest: the guest is imported, but the guest's domain is not the organization's", async () => {
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("guest.csv", `${HEADER}\n${ANN}\n${GUEST}\n${BOB}\n`)],
      env(),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 guest from other organizations: their domains (fabrikam.example) are not the organization's");
    const [org] = await query<{ domains: string }>("SELECT domains FROM organizations WHERE name = 'Northwind'");
    expect(JSON.parse(org!.domains)).toEqual(["northwind.example"]);
    expect(await peopleCount()).toBe(3);
  });

  it("a guest found only by #EXT# in the UPN (no userType column) is a guest too", async () => {
    const header = HEADER.replace(",userType", "");
    const strip = (row: string) =>
      row
        .split(",")
        .filter((_, i) => i !== 6)
        .join(","); // userType is the 7th column
    const result = await runScript(
      "directory:import",
      ["--org", "Northwind", "--admin", "ann.admin@northwind.example", file("ext.csv", [header, strip(ANN), strip(GUEST)].join("\n"))],
      env(),
    );
    expect(result.code).toBe(0);
    const [org] = await query<{ domains: string }>("SELECT domains FROM organizations WHERE name = 'Northwind'");
    expect(JSON.parse(org!.domains)).toEqual(["northwind.example"]);
  });

  it("--dry-run prints what would change and changes nothing; the real run then does exactly that", async () => {
    const path = file("ok.csv", `${HEADER}\n${ANN}\n${BOB}\n`);
    const dry = await runScript("directory:import", ["--org", "Northwind", "--admin", "ann.admin@northwind.example", "--dry-run", path], env());
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Dry run: nothing was changed");
    expect(dry.stdout).toContain(
      "Northwind: would create the organization with the domains northwind.example; Business Administrator ann.admin@northwind.example.",
    );
    expect(dry.stdout).toContain("Northwind: 2 people would be added, 0 would be updated.");
    expect(await organizationCount()).toBe(0);
    expect(await peopleCount()).toBe(0);

    const real = await runScript("directory:import", ["--org", "Northwind", "--admin", "ann.admin@northwind.example", path], env());
    expect(real.code).toBe(0);
    expect(real.stdout).toContain("Northwind: 2 people added, 0 updated.");
    expect(await organizationCount()).toBe(1);
    expect(await peopleCount()).toBe(2);

    const again = await runScript("directory:import", ["--org", "Northwind", path], env());
    expect(again.code).toBe(0);
    // The same file again changes nobody, and says so (a count is what the action changed).
    expect(again.stdout).toContain("Northwind: 0 people added, 0 updated.");
  });
});
