// The CSV writer every download uses (error log, activity export): whatever list separator a
// spreadsheet reads the file with (",", or ";" in German, French, Dutch … Excel, or a tab), no
// field begins a formula. Property-based (fast-check) with a reader that splits the way Excel
// does (a quote opens a field only at its start), and with papaparse; real addresses come back
// unchanged. The routes' downloads are checked end to end in test/routes/csv-downloads.test.ts.
import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvLine } from "../../views/components/csv.js";
import { isLiveFormula, readAsSpreadsheet, SEPARATORS } from "../support/spreadsheet.js";
import { fuzzRuns } from "../support/fuzz.js";

const liveFields = (text: string, separator: string) =>
  [...readAsSpreadsheet(text, separator).flat(), ...Papa.parse<string[]>(text, { delimiter: separator, newline: "\r\n" }).data.flat()].filter(isLiveFormula);

const hostileCell = fc
  .array(
    fc.oneof(
      fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", "\r\n", ",", ";", '"', " ", "'", "=1+2", "=cmd|' /C calc'!A0", "x", "a@b.example"),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(""));

describe("the CSV writer (fast-check)", () => {
  it("writes no live formula for any cells, read with , ; or tab", () => {
    fc.assert(
      fc.property(fc.array(hostileCell, { minLength: 1, maxLength: 5 }), (cells) => {
        const text = csvLine(cells) + csvLine(cells);
        for (const separator of SEPARATORS) expect(liveFields(text, separator), `read with ${JSON.stringify(separator)}`).toEqual([]);
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });

  it("gives back each cell read with a comma, with a ' only before what would be computed", () => {
    fc.assert(
      fc.property(fc.array(hostileCell, { minLength: 1, maxLength: 5 }), (cells) => {
        const [read] = readAsSpreadsheet(csvLine(cells), ",");
        expect(read!.map((value) => value.replaceAll("'", ""))).toEqual(cells.map((value) => value.replaceAll("'", "")));
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("writes real addresses unchanged", () => {
    const address = fc.emailAddress().filter((a) => /^[A-Za-z0-9_]/.test(a));
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 4 }), (addresses) => {
        expect(readAsSpreadsheet(csvLine(addresses), ",")[0]).toEqual(addresses);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("neutralizes the cell a spreadsheet with ; splits into a formula", () => {
    const line = csvLine(["3", "x;=1+2", "invalid_format"]);
    expect(readAsSpreadsheet(line, ";")[0]!.filter(isLiveFormula)).toEqual([]);
    expect(readAsSpreadsheet(line, ",")[0]).toEqual(["3", "x;'=1+2", "invalid_format"]);
  });
});
