// Hostile input for the CSV reader (fast-check): random bytes, valid files with bytes mutated,
// and the shapes that break parsers (huge fields, NUL bytes, invalid UTF-8, 10,000 columns, deep
// quoting, header-only files). Always a refusal with a message or a normal result, never a throw,
// and quickly. Well-formed files read back exactly (a model check). A few fuzzed files also go
// through the real import worker, which must finish them.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imports } from "../../src/db/schema.js";
import { readCsv, type CsvReadResult, type CsvRow } from "../../src/domain/csv.js";
import { createImport } from "../../src/domain/imports.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { eq } from "drizzle-orm";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { fuzzRuns } from "../support/fuzz.js";
import { actorFor } from "../support/security-fixtures.js";

const LIMITS = { maxBytes: 25 * 1024 * 1024, maxRows: 1_000_000 }; // the app's defaults
const CODES = ["empty", "binary", "too_large", "too_many_rows", "no_email_column", "unreadable"];
const encode = (text: string) => new TextEncoder().encode(text);
const runs: Record<string, number> = {};

/**
 * readCsv under a deadline (a hang fails the property instead of the whole run), measuring the
 * longest time the event loop went without a turn: the server answers nobody meanwhile.
 */
async function readWithin(bytes: Uint8Array, ms: number, limits = LIMITS): Promise<{ result: CsvReadResult; rows: CsvRow[]; ms: number; blockedMs: number }> {
  const started = performance.now();
  let blockedMs = 0;
  let tick = started;
  const ticker = setInterval(() => {
    const now = performance.now();
    blockedMs = Math.max(blockedMs, now - tick);
    tick = now;
  }, 5);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readCsv took over ${ms} ms on ${bytes.length} bytes`)), ms);
  });
  try {
    return await Promise.race([
      deadline,
      (async () => {
        const result = await readCsv(bytes, limits);
        const rows: CsvRow[] = [];
        if (result.ok) for await (const batch of result.rows(500)) rows.push(...batch);
        const ms = performance.now() - started;
        blockedMs = Math.max(blockedMs, performance.now() - tick);
        return { result, rows, ms, blockedMs };
      })(),
    ]);
  } finally {
    clearTimeout(timer);
    clearInterval(ticker);
  }
}

/** What every answer must be: a refusal that says what to do, or rows that add up. */
function expectWellFormed(result: CsvReadResult, rows: CsvRow[], limits = LIMITS) {
  if (!result.ok) {
    expect(CODES).toContain(result.code);
    expect(result.message.length).toBeGreaterThan(20);
    expect(result.message).toMatch(/\.$/);
    expect(result.message).not.toMatch(/\bat .+\.(ts|js):\d+|undefined|NaN|\[object/);
    return;
  }
  expect(rows.length).toBe(result.detection.totalRows);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.length).toBeLessThanOrEqual(limits.maxRows);
  // One assertion for all rows (expect() per row costs more than reading 100,000 of them).
  const misordered = rows.findIndex((row, i) => typeof row.value !== "string" || !(row.rowNumber > (i === 0 ? 0 : rows[i - 1]!.rowNumber)));
  expect(misordered, "first row out of order or without a value").toBe(-1);
}

const count = (name: string, n: number) => {
  runs[name] = fuzzRuns(n);
  return runs[name];
};

describe("readCsv under hostile input (fast-check)", () => {
  afterAll(() => console.log(`fast-check runs, CSV reader: ${JSON.stringify(runs)}`));

  it("random bytes: a refusal or a result, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const { result, rows } = await readWithin(bytes, 5000);
        expectWellFormed(result, rows);
      }),
      { numRuns: count("random bytes", 500) },
    );
  });

  const hostileBytes = fc.constantFrom<number[]>(
    [0x00],
    [0x00, 0x00, 0x00],
    [0xff],
    [0xfe],
    [0xc3],
    [0xc3, 0x28],
    [0xe2, 0x82],
    [0xf0, 0x9f, 0x98],
    [0xed, 0xa0, 0x80], // NUL, invalid UTF-8
    [0xef, 0xbb, 0xbf],
    [0xff, 0xfe],
    [0xfe, 0xff], // BOMs in the wrong place
    [0x22],
    [0x22, 0x22, 0x22],
    [0x0d],
    [0x0a],
    [0x0d, 0x0a],
    [0x2c],
    [0x3b],
    [0x09],
    [0x40],
    [0x3d], // quotes, line ends, delimiters, @ =
  );
  const validFile = fc
    .array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,12}$/), fc.constantFrom("a.example", "contoso.com", "b.example")), { minLength: 1, maxLength: 40 })
    .chain((people) =>
      fc.constantFrom(",", ";", "\t").map((d) => `name${d}email${d}dept\r\n${people.map(([l, dom], i) => `P ${i}${d}${l}@${dom}${d}Sales\r\n`).join("")}`),
    );
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: hostileBytes }),
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }), times: fc.integer({ min: 2, max: 200 }) }),
  );
  function mutate(bytes: Uint8Array, steps: (typeof mutation extends fc.Arbitrary<infer M> ? M : never)[]): Uint8Array {
    const out = [...bytes];
    for (const step of steps) {
      const at = out.length === 0 ? 0 : step.at % (out.length + 1);
      if (step.kind === "insert") out.splice(at, 0, ...step.bytes);
      else if (step.kind === "delete") out.splice(at, step.length);
      else out.splice(at, 0, ...Array.from({ length: step.times }, () => out.slice(at, at + step.length)).flat());
    }
    return Uint8Array.from(out);
  }

  it("valid files with bytes inserted, deleted and repeated: a refusal or a result, never a throw", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.array(mutation, { minLength: 1, maxLength: 8 }), async (file, steps) => {
        const { result, rows } = await readWithin(mutate(encode(file), steps), 5000);
        expectWellFormed(result, rows);
      }),
      { numRuns: count("mutated valid files", 400) },
    );
  });

  // The shapes that break parsers, at sizes that matter.
  const shapes = fc.oneof(
    fc.record({
      shape: fc.constant("huge field"),
      size: fc.constantFrom(100_000, 1_000_000, 4_000_000, 12_000_000, 24_000_000),
      quoted: fc.boolean(),
      fill: fc.constantFrom("a", "\n", ",", '""', "\u0000", "é"),
    }),
    fc.record({ shape: fc.constant("nul bytes"), size: fc.integer({ min: 1, max: 50_000 }), at: fc.nat() }),
    fc.record({ shape: fc.constant("wide"), columns: fc.constantFrom(1_000, 10_000), emailAt: fc.nat(), rows: fc.integer({ min: 0, max: 10 }) }),
    fc.record({ shape: fc.constant("deep quotes"), depth: fc.integer({ min: 1, max: 50_000 }), closed: fc.boolean() }),
    fc.record({
      shape: fc.constant("header only"),
      header: fc.constantFrom("email", "\uFEFFemail", "Email;Name", "mail\tupn", "sep=;\r\nemail"),
      blankLines: fc.integer({ min: 0, max: 50_000 }),
    }),
    fc.record({ shape: fc.constant("many lines"), lines: fc.constantFrom(10_000, 100_000), ending: fc.constantFrom("\n", "\r", "\r\n") }),
    fc.record({
      shape: fc.constant("invalid utf-8"),
      rows: fc.integer({ min: 1, max: 2000 }),
      bad: fc.constantFrom<number[]>([0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0x80]),
    }),
  );
  function build(s: typeof shapes extends fc.Arbitrary<infer S> ? S : never): Uint8Array {
    switch (s.shape) {
      case "huge field": {
        const cell = s.fill.repeat(Math.ceil(s.size / s.fill.length));
        return encode(`email,note\r\nann@a.example,${s.quoted ? `"${cell.replaceAll('"', '""')}"` : cell.replaceAll("\n", " ")}\r\nbob@a.example,x\r\n`);
      }
      case "nul bytes": {
        const bytes = encode(`email\r\nann@a.example\r\n${"x".repeat(s.size)}\r\n`);
        for (let i = 0; i < Math.min(64, s.size); i++) bytes[(s.at + i * 97) % bytes.length] = 0;
        return bytes;
      }
      case "wide": {
        const at = s.emailAt % s.columns;
        const header = Array.from({ length: s.columns }, (_, i) => (i === at ? "email" : `c${i}`)).join(",");
        const row = (r: number) => Array.from({ length: s.columns }, (_, i) => (i === at ? `p${r}@a.example` : "")).join(",");
        return encode(`${header}\r\n${Array.from({ length: s.rows }, (_, r) => row(r)).join("\r\n")}`);
      }
      case "deep quotes":
        return encode(`email\r\n${'"'.repeat(s.depth)}ann@a.example${s.closed ? '"'.repeat(s.depth) : ""}\r\nbob@a.example\r\n`);
      case "header only":
        return encode(s.header + "\r\n".repeat(s.blankLines));
      case "many lines":
        return encode(`email${s.ending}${Array.from({ length: s.lines }, (_, i) => `p${i}@a.example`).join(s.ending)}`);
      case "invalid utf-8": {
        const parts: number[] = [...encode("email\r\n")];
        for (let i = 0; i < s.rows; i++) parts.push(...encode(`p${i}`), ...s.bad, ...encode("@a.example\r\n"));
        return Uint8Array.from(parts);
      }
    }
    throw new Error("unknown shape");
  }

  it("huge fields, NUL bytes, 10,000 columns, deep quotes, header-only files, invalid UTF-8: answered quickly, never blocking the server long", async () => {
    const slowest = { ms: 0, shape: "" };
    const longestBlock = { ms: 0, shape: "" };
    const times: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(shapes, async (s) => {
        const bytes = build(s);
        const { result, rows, ms, blockedMs } = await readWithin(bytes, 15_000);
        expectWellFormed(result, rows);
        if (ms > slowest.ms) Object.assign(slowest, { ms: Math.round(ms), shape: `${s.shape} (${bytes.length} bytes)` });
        if (blockedMs > longestBlock.ms) Object.assign(longestBlock, { ms: Math.round(blockedMs), shape: `${s.shape} (${bytes.length} bytes)` });
        // A 25 MB upload used to hold the event loop for 11 s (a cell of quotes): every request waited.
        expect(blockedMs, `${s.shape}: the event loop was blocked`).toBeLessThan(1500);
        if (s.shape === "header only") expect(result.ok ? "read" : result.code).toBe("empty");
        if (s.shape === "wide" && s.rows > 0)
          expect(result.ok && rows.map((r) => r.value)).toEqual(Array.from({ length: s.rows }, (_, r) => `p${r}@a.example`));
        if (s.shape === "many lines") expect(result.ok && result.detection.totalRows).toBe(s.lines);
        times[s.shape] = Math.round((times[s.shape] ?? 0) + ms);
      }),
      {
        numRuns: count("parser-breaking shapes", 60),
        endOnFailure: true, // shrinking 24 MB inputs would outlast the test timeout
        // Always tried: the 24 MB cell of quotes that froze the server for 11 s before rows were capped (now at 256 KB).
        examples: [
          [{ shape: "huge field", size: 12_000_000, quoted: true, fill: '""' }],
          [{ shape: "huge field", size: 24_000_000, quoted: false, fill: "," }],
        ],
      },
    );
    console.log(
      `slowest parser-breaking shape: ${slowest.shape}, ${slowest.ms} ms; longest event-loop block: ${longestBlock.shape}, ${longestBlock.ms} ms; ms per shape: ${JSON.stringify(times)}`,
    );
  });

  it("a row limit below the file's rows refuses it; at or above, reads it", async () => {
    await fc.assert(
      fc.asyncProperty(validFile, fc.integer({ min: 1, max: 50 }), async (file, maxRows) => {
        const limits = { maxBytes: LIMITS.maxBytes, maxRows };
        const rowsInFile = file.trim().split("\r\n").length - 1;
        const { result, rows } = await readWithin(encode(file), 5000, limits);
        expectWellFormed(result, rows, limits);
        expect(result.ok ? "read" : result.code).toBe(rowsInFile > maxRows ? "too_many_rows" : "read");
      }),
      { numRuns: count("row limit", 300) },
    );
  });

  // Model check: a well-formed RFC 4180 file (any cell text, quoted where needed) reads back exactly.
  const cellText = fc.string({ unit: fc.constantFrom("a", "B", " ", ",", ";", "\t", '"', "\n", "\r\n", "é", "ß", "😀", "-", "="), maxLength: 12 });
  const table = fc.record({
    delimiter: fc.constantFrom(",", ";", "\t"),
    columns: fc.integer({ min: 1, max: 6 }),
    emailAt: fc.nat(),
    rows: fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/), fc.array(cellText, { minLength: 6, maxLength: 6 })), {
      minLength: 1,
      maxLength: 30,
    }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  });
  it("well-formed files with any cell text read back exactly: the email cell of each row, with its row number", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const at = t.emailAt % t.columns;
        const quote = (cell: string) => (/[",;\t\r\n]/.test(cell) || cell.trim() !== cell ? `"${cell.replaceAll('"', '""')}"` : cell);
        const eol = t.crlf ? "\r\n" : "\n";
        const header = Array.from({ length: t.columns }, (_, i) => (i === at ? "email" : `note ${i}`)).join(t.delimiter);
        const lines = t.rows.map(([local, cells]) =>
          Array.from({ length: t.columns }, (_, i) => (i === at ? `${local}@a.example` : quote(cells[i]!))).join(t.delimiter),
        );
        const { result, rows } = await readWithin(encode(`${t.bom ? "\uFEFF" : ""}${header}${eol}${lines.join(eol)}${eol}`), 5000);
        expect(result.ok, result.ok ? "" : result.message).toBe(true);
        expect(rows.map((r) => r.value)).toEqual(t.rows.map(([local]) => `${local}@a.example`));
        expect(rows.map((r) => r.rowNumber)).toEqual(t.rows.map((_, i) => i + 2));
      }),
      { numRuns: count("well-formed files read back", 300) },
    );
  });
});

describe("the import worker on fuzzed files", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 20 });
  });
  afterAll(() => {
    t.close();
    console.log(`fast-check runs, import worker: ${runs["import worker on fuzzed uploads"]}`);
  });

  it("validates every accepted fuzzed upload to the end, with counts that add up", async () => {
    const admin = await actorFor(t.deps.db, "admin@a.example");
    const cell = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.constantFrom(
        "person1@a.example",
        "PERSON2@A.EXAMPLE ",
        "person1@a.example",
        "ghost@a.example",
        "x@gmial.com",
        "=1+1",
        "<zz-fuzz>@a.example",
        "",
        "\u0000@a.example",
      ),
    );
    let accepted = 0;
    runs["import worker on fuzzed uploads"] = 25; // every run in every lane: the check below counts the uploads accepted
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { minLength: 1, maxLength: 300 }), async (cells) => {
        const file = `email\r\n${cells.map((c) => `"${c.replaceAll('"', '""')}"`).join("\r\n")}\r\n`;
        const created = await createImport(t.deps.db, admin, { fileName: "fuzz.csv", bytes: encode(file) }, LIMITS);
        if (!created.ok) return;
        accepted++;
        const started = performance.now();
        await drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl, chunkSize: 50 });
        expect(performance.now() - started).toBeLessThan(10_000);
        const [row] = await t.deps.db.select().from(imports).where(eq(imports.id, created.importId));
        expect(row!.status).toBe("ready");
        expect(row!.processed).toBe(row!.total);
        expect(row!.readyCount + row!.skippedCount + row!.errorCount).toBe(row!.total);
      }),
      { numRuns: 25 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
