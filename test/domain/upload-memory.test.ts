// A big upload is read without a second copy of it: its text is decoded a piece at a time (never
// the whole file as one string), and createImport lets the file's bytes go once its rows are read,
// before it spends seconds storing them. The 1,000,000-row figure is `npm run bench -- import-1m`.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, importRows } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { openCsvText } from "../../src/domain/csv-decode.js";
import { readCsv, type CsvReadResult, type CsvRow } from "../../src/domain/csv.js";
import { createImport } from "../../src/domain/import-upload.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const limits = { maxBytes: 25 * 1024 * 1024, maxRows: 1_000_000 };
const PIECE = 1 << 16;

async function readAll(result: CsvReadResult): Promise<CsvRow[]> {
  if (!result.ok) throw new Error(`refused: ${result.code}: ${result.message}`);
  const rows: CsvRow[] = [];
  for await (const batch of result.rows(500)) rows.push(...batch);
  return rows;
}

/** "email", then `count` addresses, padded so that `marker` starts exactly at byte `at` of the file. */
function fileWithAt(count: number, at: number, marker: Uint8Array): Uint8Array {
  const head = Buffer.from(`email\n${Array.from({ length: count }, (_, i) => `person${i}@contoso.example`).join("\n")}\n`);
  const padding = at - head.length - "x".length;
  if (padding < 1) throw new Error("file too short for the marker");
  return new Uint8Array(Buffer.concat([head, Buffer.from(`${"p".repeat(padding)}x`), marker, Buffer.from("@contoso.example\n")]));
}

describe("reading a large CSV", () => {
  it("gives the text in pieces of at most 64 KB's worth, which together are the whole file", () => {
    const bytes = new Uint8Array(Buffer.from(`email\n${"ava.adams@contoso.example\n".repeat(20_000)}`));
    const opened = openCsvText(bytes);
    if (!opened.ok) throw new Error(opened.message);
    const pieces = [...opened.text.pieces()];
    expect(pieces.length).toBeGreaterThan(5);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(PIECE);
    expect(pieces.join("")).toBe(Buffer.from(bytes).toString("utf8"));
  });

  it("keeps a character whose bytes straddle two pieces whole", async () => {
    // "é" is two bytes in UTF-8: its first byte is the last of the first piece.
    const bytes = fileWithAt(2000, PIECE - 1, Buffer.from("é"));
    const rows = await readAll(await readCsv(bytes, limits));
    expect(rows.at(-1)!.value).toMatch(/^p+xé@contoso\.example$/);
    expect(rows.length).toBe(2001);
  });

  it("reads a file as Windows-1252 when its only byte that is not UTF-8 comes after the first pieces", async () => {
    // 0xE9 alone is "é" in Windows-1252 and not UTF-8: found three pieces in.
    const bytes = fileWithAt(2000, 3 * PIECE + 10, new Uint8Array([0xe9]));
    const result = await readCsv(bytes, limits);
    expect(result.ok && result.detection.encoding).toBe("Windows-1252");
    const rows = await readAll(result);
    expect(rows[0]!.value).toBe("person0@contoso.example");
    expect(rows.at(-1)!.value).toMatch(/^p+xé@contoso\.example$/);
  });

  it("refuses a file of blank lines as empty, however long", async () => {
    const result = await readCsv(new Uint8Array(Buffer.from(" \r\n".repeat(100_000))), limits);
    expect(result.ok ? "read" : result.code).toBe("empty");
  });
});

describe("createImport", () => {
  let database: TestDatabase;
  let actor: Actor;
  beforeAll(async () => {
    database = await createTestDatabase();
    const org = await createOrganization(database.db, { name: "Contoso", domain: "contoso.example" });
    const admin = (await database.db.select().from(directoryPeople).where(eq(directoryPeople.mailNorm, "admin@contoso.example")))[0]!;
    actor = { personId: admin.id, orgId: org.id, name: "Admin" };
  });
  afterAll(() => database?.close());

  it("lets the file's bytes go once its rows are read, and stores every row", async () => {
    const file = { fileName: "people.csv", bytes: new Uint8Array(Buffer.from(`email\n${"member@contoso.example\n".repeat(1200)}`)) };
    const size = file.bytes.length;
    const created = await createImport(database.db, actor, file, limits);
    if (!created.ok) throw new Error(created.message);
    expect(file.bytes.length).toBe(0);
    expect(await database.db.$count(importRows, eq(importRows.importId, created.importId))).toBe(1200);
    expect(size).toBeGreaterThan(0);
  });
});
