// Every statement that runs through the driver itself (src/db/statements/) is prepared against the
// migrated schema, so a renamed table or column fails here instead of in production, and a
// statement read by column name answers the columns its row type names.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectPath } from "../../src/paths.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

type Entry = string | { sql: string; columns: readonly string[] };
type NativeDatabase = { prepare(sql: string): { columns(): { name: string }[] }; close(): void };

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
