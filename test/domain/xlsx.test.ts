// Excel workbooks read as they are (upload-read.ts -> xlsx.ts): the first visible sheet in the
// workbook's own order, the address column found as in a CSV, the sheet's own row numbers, every
// kind of cell Excel writes; .xls, password-protected and other files refused with what to do.
// Detected by content, whatever the file is called.
import { describe, expect, it } from "vitest";
import type { CsvRow } from "../../src/domain/csv.js";
import { describeDetection, readUpload, type UploadReadResult } from "../../src/domain/upload-read.js";
import { makeXlsx, makeZip } from "../support/workbook.js";

const limits = { maxBytes: 25 * 1024 * 1024, maxRows: 1_000_000 };

async function readAll(result: UploadReadResult): Promise<[number, string][]> {
  if (!result.ok) throw new Error(`refused: ${result.code}: ${result.message}`);
  const rows: CsvRow[] = [];
  for await (const batch of result.rows(2)) rows.push(...batch);
  return rows.map((r) => [r.rowNumber, r.value]);
}

describe("reading an .xlsx upload", () => {
  it("finds the address column by its header, under a title, with the sheet's row numbers, blank rows skipped", async () => {
    const bytes = await makeXlsx([
      {
        name: "People",
        rows: [
          ["March starters", null],
          [],
          ["Name", "E-mail address", "Start"],
          ["Zoë Dupont", "zoe@contoso.example", 45352],
          [],
          ["José García", "jose@contoso.example", 45353],
        ],
      },
    ]);
    const read = await readUpload(bytes, limits);
    expect(read.ok && read.detection).toEqual({ format: "xlsx", sheet: "People", hasHeader: true, column: "E-mail address", totalRows: 2 });
    expect(await readAll(read)).toEqual([
      [4, "zoe@contoso.example"],
      [6, "jose@contoso.example"],
    ]);
    expect(describeDetection(read.ok ? read.detection : ({} as never))).toBe("Excel workbook, sheet 'People', header row, column 'E-mail address', 2 rows");
  });

  it("reads the first visible sheet of the workbook's list, whatever its part is called", async () => {
    const bytes = await makeXlsx(
      [
        { name: "Hidden notes", hidden: true, rows: [["email"], ["hidden@contoso.example"]] },
        { name: "Invite", rows: [["email"], ["first@contoso.example"]] },
        { name: "Other", rows: [["email"], ["second@contoso.example"]] },
      ],
      { reverseSheetFiles: true },
    );
    const read = await readUpload(bytes, limits);
    expect(read.ok && read.detection).toMatchObject({ format: "xlsx", sheet: "Invite" });
    expect(await readAll(read)).toEqual([[2, "first@contoso.example"]]);
  });

  it("reads inline strings, rich text (without its phonetic guide), formula results and numbers; without a header, by the values", async () => {
    const bytes = await makeXlsx([
      {
        name: "Sheet1",
        inline: true,
        firstRow: 3,
        rows: [
          ["ann@contoso.example", 1],
          [{ formula: 'LOWER("BOB@contoso.example")', result: "bob@contoso.example" }, 2],
          ["  carl@contoso.example ", 3],
        ],
      },
    ]);
    const read = await readUpload(bytes, limits);
    expect(read.ok && read.detection).toMatchObject({ hasHeader: false, column: "column 1", totalRows: 3 });
    expect(await readAll(read)).toEqual([
      [3, "ann@contoso.example"],
      [4, "bob@contoso.example"],
      [5, "  carl@contoso.example "],
    ]);
    const rich = await makeXlsx([{ name: "S", rows: [["email"], [{ rich: ["dana", "@contoso.example"], phonetic: "ダナ" }], [42]] }]);
    expect(await readAll(await readUpload(rich, limits))).toEqual([
      [2, "dana@contoso.example"],
      [3, "42"],
    ]);
  });

  it("keeps HTML and formulas in cells as text (the import page escapes them, the error log neutralizes them)", async () => {
    const bytes = await makeXlsx([{ name: "S", rows: [["email"], ["<b>x</b>@contoso.example"], ['=HYPERLINK("http://evil.example")']] }]);
    expect(await readAll(await readUpload(bytes, limits))).toEqual([
      [2, "<b>x</b>@contoso.example"],
      [3, '=HYPERLINK("http://evil.example")'],
    ]);
  });

  it("refuses with what to do: .xls and password-protected workbooks, .xlsb, other ZIP files, a damaged workbook, no address column, too many rows", async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    const cases: [string, Uint8Array, string, RegExp][] = [
      [
        "an .xls or encrypted workbook",
        ole,
        "unsupported_format",
        /Excel 97-2003 workbook \(\.xls\) or a password-protected workbook.*Save As > Excel Workbook \(\.xlsx\), without a password, or CSV UTF-8/,
      ],
      [
        "an .xlsb",
        await makeXlsx([{ name: "S", rows: [["email"]] }], { contentType: "application/vnd.ms-excel.sheet.binary.macroEnabled.main" }),
        "unsupported_format",
        /Excel Binary Workbook \(\.xlsb\).*Excel Workbook \(\.xlsx\) or CSV UTF-8/,
      ],
      [
        "a Word document",
        await makeZip({
          "[Content_Types].xml":
            '<Types xmlns="x"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
          "word/document.xml": "<w/>",
        }),
        "unsupported_format",
        /ZIP archive, not an Excel workbook or a CSV file.*\.xlsx\) or as CSV UTF-8/,
      ],
      [
        "an OpenDocument spreadsheet",
        await makeZip({ mimetype: "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>" }),
        "unsupported_format",
        /not an Excel workbook/,
      ],
      [
        "a damaged workbook",
        new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        "unreadable",
        /could not be opened; it may be damaged\. Open it in Excel and save it again/,
      ],
      [
        "a broken sheet",
        await makeZip({
          "[Content_Types].xml":
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
          "xl/workbook.xml": '<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
          "xl/_rels/workbook.xml.rels": '<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
          "xl/worksheets/sheet1.xml": "<worksheet><sheetData><row><c><v>a</row>",
        }),
        "unreadable",
        /could not be read/,
      ],
      [
        "no address column",
        await makeXlsx([{ name: "Names", rows: [["Name"], ["Alex"], ["Casey"]] }]),
        "no_email_column",
        /first sheet \("Names"\) has no column of email addresses/,
      ],
      ["an empty sheet", await makeXlsx([{ name: "Empty", rows: [] }]), "empty", /first sheet \("Empty"\) is empty/],
    ];
    for (const [what, bytes, code, message] of cases) {
      const read = await readUpload(bytes, limits);
      expect(read.ok, what).toBe(false);
      if (!read.ok) {
        expect(read.code, what).toBe(code);
        expect(read.message, what).toMatch(message);
      }
    }
    const many = await makeXlsx([{ name: "S", rows: [["email"], ...Array.from({ length: 12 }, (_, i) => [`p${i}@contoso.example`])] }]);
    const refused = await readUpload(many, { ...limits, maxRows: 10 });
    expect(!refused.ok && refused.message).toBe("The sheet has more than 10 rows. Split it into files of at most 10 rows and upload them one at a time.");
  });

  it("goes by content, not by name: CSV text is CSV whatever it is called", async () => {
    const csv = await readUpload(new TextEncoder().encode("email\nalex@contoso.example\n"), limits);
    expect(csv.ok && csv.detection).toMatchObject({ encoding: "UTF-8", column: "email" });
  });
});
