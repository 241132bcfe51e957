// Every statement that runs through the driver itself (src/db/statements/) is prepared against the
// migrated schema, so a renamed table or column fails here instead of in production, and a
// statement read by column name answers the columns its row type names. A statement that joins a
// JSON list (json_each) to a table drives the join from the list: without statistics SQLite may
// walk the organization's whole index and scan the list for every row (1.1 s for 20 addresses
// against 200,000 people, where the list's lookups take 0.2 ms).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../../src/paths.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

type Entry = string | { sql: string; columns: readonly string[] };
type NativeDatabase = {
  prepare(sql: string): { columns(): { name: string }[]; raw(toggle: boolean): { all(): [id: number, parent: number, unused: number, detail: string][] } };
  close(): void;
};

const folder = projectPath("src/db/statements");
const modules = readdirSync(folder).filter((name) => name.endsWith(".ts"));
const require = createRequire(import.meta.url);

let database: TestDatabase;
let native: NativeDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  const Database = require("libsql") as new (path: string) => NativeDatabase;
  native = new Database(database.path);
});
afterAll(() => {
  native?.close();
  database?.close();
});

describe("the driver's statements", () => {
  it("are all listed (every module exports its statements)", async () => {
    expect(modules.length).toBeGreaterThanOrEqual(5);
    for (const name of modules) {
      const module = (await import(`${folder}/${name}`)) as { statements?: Record<string, Entry> };
      expect(Object.keys(module.statements ?? {}), name).not.toHaveLength(0);
    }
  });

  it.each(modules)("of %s prepare against the migrated schema, with the columns their rows are read by", async (name) => {
    const { statements } = (await import(`${folder}/${name}`)) as { statements: Record<string, Entry> };
    for (const [key, entry] of Object.entries(statements)) {
      const text = typeof entry === "string" ? entry : entry.sql;
      let columns: string[] = [];
      expect(
        () =>
          (columns = native
            .prepare(text)
            .columns()
            .map((c) => c.name)),
        `${name}: ${key}`,
      ).not.toThrow();
      if (typeof entry !== "string") expect(columns, `${name}: ${key}`).toEqual([...entry.columns]);
    }
  });
});

/** The loops of a plan that a json_each list runs inside a table's loop: "table, then list" lines. */
function listsInsideTables(native: NativeDatabase, sql: string): string[] {
  const plan = native.prepare(`EXPLAIN QUERY PLAN ${sql}`).raw(true).all();
  const found: string[] = [];
  const tableLoop = /^(SCAN|SEARCH) (?!.*VIRTUAL TABLE)/;
  for (const [id, parent, , detail] of plan) {
    if (!/VIRTUAL TABLE/.test(detail)) continue;
    // Siblings listed before it are the loops it runs inside.
    const outer = plan.find(([otherId, otherParent, , other]) => otherParent === parent && otherId < id && tableLoop.test(other));
    if (outer) found.push(`${outer[3]}, then ${detail}`);
  }
  return found;
}

/** Every `json_each(…) x JOIN` (or `, table`) in these sources: a list joined without CROSS JOIN. */
function plainListJoins(source: string): string[] {
  const found: string[] = [];
  for (let at = source.indexOf("json_each("); at >= 0; at = source.indexOf("json_each(", at + 1)) {
    let depth = 0;
    let end = at + "json_each".length;
    for (; end < source.length; end++) {
      if (source[end] === "(") depth++;
      else if (source[end] === ")" && --depth === 0) break;
    }
    const join = source.slice(end + 1, end + 80).match(/^\s+(?:AS\s+)?\w+\s*(?:,|(?:INNER\s+)?JOIN\b)/i);
    if (join) found.push(`${source.slice(at, end + 1)}${join[0]}`.replace(/\s+/g, " "));
  }
  return found;
}

describe("a JSON list joined to a table", () => {
  it.each(modules)("drives the join in the statements of %s: each value a lookup, never a scan of the list per row", async (name) => {
    const { statements } = (await import(`${folder}/${name}`)) as { statements: Record<string, Entry> };
    for (const [key, entry] of Object.entries(statements)) {
      expect(listsInsideTables(native, typeof entry === "string" ? entry : entry.sql), `${name}: ${key}`).toEqual([]);
    }
  });

  it("is written CROSS JOIN everywhere in src, so SQLite keeps the list as the outer loop", () => {
    const sources = (readdirSync(projectPath("src"), { recursive: true }) as string[]).filter((file) => file.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(50);
    const offenders = sources.flatMap((file) => plainListJoins(readFileSync(projectPath(`src/${file}`), "utf8")).map((join) => `${file}: ${join}`));
    expect(offenders).toEqual([]);
  });

  it("is told apart by these checks: a plain JOIN planned table-first, and written without CROSS", () => {
    const sql = "SELECT p.id FROM json_each(?2) j JOIN directory_people p ON p.org_id = ?1 AND p.mail_norm = j.value";
    expect(listsInsideTables(native, sql)).toHaveLength(1);
    expect(listsInsideTables(native, sql.replace(" JOIN ", " CROSS JOIN "))).toEqual([]);
    expect(plainListJoins(`FROM json_each(\${JSON.stringify(ids.map((i) => [i]))}) j\n    JOIN members m`)).toHaveLength(1);
    expect(plainListJoins("FROM json_each(?1) j CROSS JOIN members m")).toEqual([]);
    expect(plainListJoins("WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'x'")).toEqual([]);
  });
});
