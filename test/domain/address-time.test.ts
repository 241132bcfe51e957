// One tenant's cell must not hold the event loop every tenant shares: cleaning and judging a cell
// takes time linear in its length. A cell of 60,000 spaces once held the server for 4 s (the
// trailing alternatives of two patterns backtracked quadratically). Property-based (fast-check):
// any cell up to the CSV reader's row limit, of any mix of the characters those patterns
// looked for, is cleaned and judged in under 50 ms; and the loops that replaced the patterns
// give what the patterns gave, on short cells where the patterns were still quick.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanAddressValue } from "../../src/domain/addresses.js";
import { looksLikeAddress } from "../../src/domain/csv-columns.js";
import { MAX_RECORD_CHARS } from "../../src/domain/csv.js";
import { addressKey } from "../../src/domain/import-upload.js";

/** Everything the import does with one cell: the stored key (clean, normalize, format check), the column guess, the verdict's "empty". */
function judge(cell: string) {
  return [addressKey(cell), looksLikeAddress(cell), cleanAddressValue(cell) === ""];
}

/**
 * CPU milliseconds to judge the cell (the work it costs, which other processes on a loaded machine
 * do not inflate as they do the wall clock): the best of two tries, so a first compilation or a
 * garbage collection in the middle is not counted.
 */
function msToJudge(cell: string): number {
  let best = Infinity;
  for (let i = 0; i < 2 && best >= 50; i++) {
    const started = process.cpuUsage();
    judge(cell);
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

// Whitespace (ASCII, no-break, ideographic), quotes of every kind, zero-width characters,
// separators, brackets, @ and a letter or two: what the old patterns matched on.
const PIECES = [
  " ",
  "\t",
  "\u00A0",
  "\u3000",
  '"',
  "'",
  "`",
  "\u201C",
  "\u201D",
  "\u00AB",
  "\u200B",
  "\uFEFF",
  ";",
  ",",
  "<",
  ">",
  "(",
  ")",
  "@",
  "a",
  ".",
  "mailto:",
  "?",
];
const piece = fc.constantFrom(...PIECES);

/** A cell up to the row limit: runs of one piece, and short motifs repeated many times (a@a@a@…, " ;" …). */
const longCell = fc
  .array(
    fc.oneof(
      fc.tuple(piece, fc.integer({ min: 1, max: MAX_RECORD_CHARS })).map(([p, n]) => p.repeat(n)),
      fc.tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: MAX_RECORD_CHARS / 4 })).map(([m, n]) => m.join("").repeat(n)),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join("").slice(0, MAX_RECORD_CHARS));

describe("cleaning and judging a cell runs in linear time", () => {
  it.each([
    ["60,000 spaces between two letters", "x" + " ".repeat(60_000) + "x"],
    ["60,000 spaces, a semicolon and a letter after a letter", "x" + " ".repeat(60_000) + ";x"],
    ["a@ 60,000 times, closed by a bracket", "a@".repeat(60_000) + ")"],
    ["an address, then 60,000 spaces and an unclosed comment", "a@b.example" + " ".repeat(60_000) + "(x"],
    ["60,000 < and >", "<>".repeat(60_000) + " x"],
    ["mailto: and 200,000 quotes", "mailto:" + '"'.repeat(200_000) + "x"],
  ])("%s: under 50 ms", (_what, cell) => {
    expect(msToJudge(cell)).toBeLessThan(50);
  });

  it("any cell up to the row limit, of whitespace, quotes, separators, brackets and @: under 50 ms (fast-check)", () => {
    fc.assert(
      fc.property(longCell, (cell) => {
        const ms = msToJudge(cell);
        expect(ms, `${cell.length} characters took ${ms.toFixed(1)} ms`).toBeLessThan(50);
      }),
      { numRuns: 150 },
    );
  });
});

// The patterns cleanAddressValue used until it became plain loops: the model it must agree with.
const SURROUNDING =
  /^[\s"'`\u201C\u201D\u2018\u2019\u00AB\u00BB\u200B-\u200D\u2060\uFEFF]+|[\s"'`\u201C\u201D\u2018\u2019\u00AB\u00BB\u200B-\u200D\u2060\uFEFF;,]+$/g;
const ANGLE = /<([^<>]*)>[\s;,]*$/;
const ADDRESS_WITH_COMMENT = /^([^\s()<>]+@[^\s()<>]+)\s*\([^()]*\)$/;
function patternClean(raw: string): string {
  let value = raw.replace(SURROUNDING, "");
  const angle = ANGLE.exec(value);
  if (angle) value = angle[1]!.replace(SURROUNDING, "");
  else if (value.endsWith(")")) value = ADDRESS_WITH_COMMENT.exec(value)?.[1] ?? value;
  if (/^mailto:/i.test(value)) {
    value = value.slice(7);
    const query = value.indexOf("?");
    if (query >= 0) value = value.slice(0, query);
    value = value.replace(SURROUNDING, "");
  }
  return value;
}

describe("cleanAddressValue without patterns", () => {
  it("cleans every short cell exactly as the patterns did (fast-check)", () => {
    const unit = fc.constantFrom(...PIECES, "\u2060", "\u2018", "\u00BB", "\u2028", "\n", "b", "x.example", "MAILTO:", "Mailto:", "\u0130");
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 14 }).map((parts) => parts.join("")),
        (cell) => {
          expect(cleanAddressValue(cell)).toBe(patternClean(cell));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
