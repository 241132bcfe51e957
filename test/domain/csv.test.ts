import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { cleanAddressValue } from "../../src/domain/addresses.js";
import { describeDetection, readCsv, type CsvDetection, type CsvReadResult, type CsvRow } from "../../src/domain/csv.js";

// Files as the programs that make them write them, built as bytes.
const utf8 = (text: string) => new TextEncoder().encode(text);
const utf8Bom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
const utf16le = (text: string, bom = true) => new Uint8Array(Buffer.from((bom ? "\uFEFF" : "") + text, "utf16le"));
const utf16be = (text: string) => new Uint8Array(Buffer.from("\uFEFF" + text, "utf16le").swap16());
const windows1252 = (text: string) => new Uint8Array(Buffer.from(text, "latin1")); // Latin-1 range only
const PNG = new Uint8Array(
  Buffer.from(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" + "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
    "hex",
  ),
);
const XLSX = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0, 0, 0x21, 0, ...utf8("[Content_Types].xml")]);
const ENTRA_HEADER =
  "id,userPrincipalName,displayName,surname,mail,givenName,userType,jobTitle,department,accountEnabled,usageLocation,streetAddress,state,country,officeLocation,city,postalCode,telephoneNumber,mobilePhone,alternateEmailAddress,ageGroup,companyName,creationType,directorySynced,invitationState,identityIssuer,createdDateTime";
const entraRow = (id: number, upn: string, name: string, mail: string) =>
  `${id}-4ad1-9c80,${upn},${name},${name.split(" ")[1]},${mail},${name.split(" ")[0]},Member,Driver,Sales,true,US,,,,,,,,,,,Contoso,,true,,contoso.example,2024-03-01T09:00:00Z`;

const limits = { maxBytes: 25 * 1024 * 1024, maxRows: 1_000_000 };

async function readAll(result: CsvReadResult, batchSize?: number): Promise<CsvRow[]> {
  if (!result.ok) throw new Error(`refused: ${result.code}: ${result.message}`);
  const rows: CsvRow[] = [];
  for await (const batch of result.rows(batchSize)) rows.push(...batch);
  return rows;
}

type Case = { name: string; bytes: Uint8Array; detection: Partial<CsvDetection>; rows: [number, string][] };

const cases: Case[] = [
  {
    name: "Excel CSV UTF-8: BOM, CRLF, a single email column",
    bytes: utf8Bom("email\r\nalex.admin@contoso.example\r\ncasey.member@contoso.example\r\n"),
    detection: { encoding: "UTF-8 with BOM", delimiter: ",", hasHeader: true, column: "email", totalRows: 2 },
    rows: [
      [2, "alex.admin@contoso.example"],
      [3, "casey.member@contoso.example"],
    ],
  },
  {
    name: "European Excel: semicolons, decimal commas, CRLF",
    bytes: utf8("Name;E-mail;Distance\r\nZoë Dupont;zoe@contoso.example;12,5\r\nJosé García;jose@contoso.example;3,25\r\n"),
    detection: { encoding: "UTF-8", delimiter: ";", column: "E-mail", totalRows: 2 },
    rows: [
      [2, "zoe@contoso.example"],
      [3, "jose@contoso.example"],
    ],
  },
  {
    name: "tab-separated, email in the last column, LF",
    bytes: utf8("First\tLast\tEmail Address\nAlex\tAdmin\talex@contoso.example\nCasey\tMember\tcasey@contoso.example\n"),
    detection: { delimiter: "\t", column: "Email Address", totalRows: 2 },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
    ],
  },
  {
    name: "Excel Unicode Text: UTF-16 LE with BOM, tabs, CRLF",
    bytes: utf16le("Name\tE-mail\r\nZoë Żółć\tzoe@contoso.example\r\n李雷\tli.lei@contoso.example\r\n"),
    detection: { encoding: "UTF-16 LE", delimiter: "\t", column: "E-mail", totalRows: 2 },
    rows: [
      [2, "zoe@contoso.example"],
      [3, "li.lei@contoso.example"],
    ],
  },
  {
    name: "UTF-16 BE with BOM",
    bytes: utf16be("email,name\nalex@contoso.example,Alex\n"),
    detection: { encoding: "UTF-16 BE", delimiter: ",", column: "email", totalRows: 1 },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "UTF-16 LE without a BOM",
    bytes: utf16le("email\r\nalex@contoso.example\r\n", false),
    detection: { encoding: "UTF-16 LE", totalRows: 1 },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "Excel CSV (Comma delimited): Windows-1252 names",
    bytes: windows1252("Name,Email\r\nZoë Müller,Zoë Müller <zoe@contoso.example>\r\nRenée,renee@contoso.example\r\n"),
    detection: { encoding: "Windows-1252", column: "Email", totalRows: 2 },
    rows: [
      [2, "Zoë Müller <zoe@contoso.example>"],
      [3, "renee@contoso.example"],
    ],
  },
  {
    name: "Entra 'Download users' export: mail, falling back to userPrincipalName where mail is empty",
    bytes: utf8Bom(
      [
        ENTRA_HEADER,
        entraRow(1, "alex.admin@contoso.example", "Alex Admin", "alex.admin@contoso.example"),
        entraRow(2, "casey_fabrikam.com#EXT#@contoso.example", "Casey Guest", "casey@fabrikam.com"),
        entraRow(3, "drew.driver@contoso.example", "Drew Driver", ""),
        entraRow(4, "eve.sales@contoso.example", "Eve Sales", "Eve.Sales@contoso.example"),
      ].join("\r\n") + "\r\n",
    ),
    detection: { column: "mail", fallbackColumn: "userPrincipalName", hasHeader: true, totalRows: 4 },
    rows: [
      [2, "alex.admin@contoso.example"],
      [3, "casey@fabrikam.com"],
      [4, "drew.driver@contoso.example"],
      [5, "Eve.Sales@contoso.example"],
    ],
  },
  {
    name: "Microsoft 365 admin center export: only 'User principal name'",
    bytes: utf8(
      "Block credential,City,Display name,First name,Last name,Proxy addresses,User principal name,When created\r\nFalse,Seattle,Alex Admin,Alex,Admin,SMTP:alex@contoso.example,alex@contoso.example,2024-03-01\r\n",
    ),
    detection: { column: "User principal name", totalRows: 1 },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "Outlook contacts: several e-mail columns, the first one wins",
    bytes: utf8("First Name,Last Name,E-mail 2 Address,E-mail Address,E-mail 3 Address\nAlex,Admin,alex@home.example,alex@contoso.example,\n"),
    detection: { column: "E-mail Address", totalRows: 1 },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "'Email Address 1' style header",
    bytes: utf8("Full name,Email Address 1\nAlex Admin,alex@contoso.example\n"),
    detection: { column: "Email Address 1" },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "quoted 'Name <addr>', mailto: and spaces, kept exactly as given",
    bytes: utf8('email\n"""Admin, Alex"" <alex@contoso.example>"\nmailto:casey@contoso.example\n  drew@contoso.example  \n" eve@contoso.example"\n'),
    detection: { totalRows: 4 },
    rows: [
      [2, '"Admin, Alex" <alex@contoso.example>'],
      [3, "mailto:casey@contoso.example"],
      [4, "  drew@contoso.example  "],
      [5, " eve@contoso.example"],
    ],
  },
  {
    name: "no header: a single column of addresses, the first line is row 1",
    bytes: utf8("alex@contoso.example\ncasey@contoso.example\ndrew@contoso.example"),
    detection: { hasHeader: false, column: "column 1", totalRows: 3 },
    rows: [
      [1, "alex@contoso.example"],
      [2, "casey@contoso.example"],
      [3, "drew@contoso.example"],
    ],
  },
  {
    name: "no header: names and addresses, the address column is found by its values",
    bytes: utf8("Alex Admin,alex@contoso.example,Finance\r\nCasey Member,,Sales\r\nDrew Driver,drew@contoso.example,Sales\r\n"),
    detection: { hasHeader: false, column: "column 2", totalRows: 3 },
    rows: [
      [1, "alex@contoso.example"],
      [2, ""],
      [3, "drew@contoso.example"],
    ],
  },
  {
    name: "a header nobody planned for, found by the values below it",
    bytes: utf8("Contact;Team\nalex@contoso.example;Finance\ncasey@contoso.example;Sales\n"),
    detection: { hasHeader: true, column: "Contact", delimiter: ";" },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
    ],
  },
  {
    name: "a Username of bare account names is passed over for a column of addresses",
    bytes: utf8("Username,Work contact\nalex,alex@contoso.example\ncasey,casey@contoso.example\n"),
    detection: { column: "Work contact" },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
    ],
  },
  {
    name: "blank lines (and lines of empty cells) are skipped but still counted as rows",
    bytes: utf8("\nemail,name\n\nalex@contoso.example,Alex\n,\n  ,  \n\ncasey@contoso.example,Casey\n\n\n"),
    detection: { totalRows: 2 },
    rows: [
      [4, "alex@contoso.example"],
      [8, "casey@contoso.example"],
    ],
  },
  {
    name: "a row with an empty email cell is yielded with an empty value",
    bytes: utf8("name,email\r\nAlex,alex@contoso.example\r\nCasey,\r\nDrew\r\n"),
    detection: { totalRows: 3 },
    rows: [
      [2, "alex@contoso.example"],
      [3, ""],
      [4, ""],
    ],
  },
  {
    name: "formula-injection cells are kept verbatim",
    bytes: utf8('email\r\n"=HYPERLINK(""http://evil.example"",""click"")"\r\n+cmd|\' /C calc\'!A0\r\n@SUM(1+1)\r\n-2+3\r\n'),
    detection: { totalRows: 4 },
    rows: [
      [2, '=HYPERLINK("http://evil.example","click")'],
      [3, "+cmd|' /C calc'!A0"],
      [4, "@SUM(1+1)"],
      [5, "-2+3"],
    ],
  },
  {
    name: "a quoted cell spanning two lines is one spreadsheet row",
    bytes: utf8('email,note\r\nalex@contoso.example,"first line\r\nsecond line"\r\ncasey@contoso.example,ok\r\n'),
    detection: { totalRows: 2 },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
    ],
  },
  {
    name: "old Mac line endings (CR only)",
    bytes: utf8("email\ralex@contoso.example\rcasey@contoso.example\r"),
    detection: { totalRows: 2 },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
    ],
  },
  {
    name: "CRLF and LF mixed (files pasted together)",
    bytes: utf8("email\r\nalex@contoso.example\r\ncasey@contoso.example\ndrew@contoso.example\r\n"),
    detection: { totalRows: 3 },
    rows: [
      [2, "alex@contoso.example"],
      [3, "casey@contoso.example"],
      [4, "drew@contoso.example"],
    ],
  },
  {
    name: "no header, and the first row's address cell is empty",
    bytes: utf8("Alex Admin,,Finance\nCasey Member,casey@contoso.example,Sales\nDrew Driver,drew@contoso.example,Sales\n"),
    detection: { hasHeader: false, column: "column 2", totalRows: 3 },
    rows: [
      [1, ""],
      [2, "casey@contoso.example"],
      [3, "drew@contoso.example"],
    ],
  },
  {
    name: "an HR export with a title line above the header",
    bytes: utf8("Employee list,,\r\nExported 2024-05-01,,\r\n,,\r\nName,Department,Work e-mail\r\nAlex Admin,Finance,alex@contoso.example\r\n"),
    detection: { hasHeader: true, column: "Work e-mail", totalRows: 1 },
    rows: [[5, "alex@contoso.example"]],
  },
  {
    name: "Excel's sep=; hint line (hidden by Excel, so not counted)",
    bytes: utf8("sep=;\r\nName;Email\r\nAlex, Admin;alex@contoso.example\r\n"),
    detection: { delimiter: ";", column: "Email", totalRows: 1 },
    rows: [[2, "alex@contoso.example"]],
  },
  {
    name: "its own error log, uploaded again (UTF-8 BOM, the email column found among others)",
    bytes: utf8Bom(
      "row,email,problem,suggestion,detail\r\n3,casey@contoso.con,possible_typo,casey@contoso.com,Did you mean casey@contoso.com?\r\n5,'=1+1,invalid_format,,Not an email address\r\n",
    ),
    detection: { column: "email", totalRows: 2 },
    rows: [
      [2, "casey@contoso.con"],
      [3, "'=1+1"],
    ],
  },
];

describe("readCsv over real-world files", () => {
  it.each(cases)("$name", async ({ bytes, detection, rows }) => {
    const result = await readCsv(bytes, limits);
    expect(result.ok ? result.detection : result).toMatchObject(detection);
    expect((await readAll(result)).map((row) => [row.rowNumber, row.value])).toEqual(rows);
  });

  it("gives values that cleanAddressValue turns into bare addresses", async () => {
    const rows = await readAll(await readCsv(cases.find((c) => c.name.startsWith("quoted"))!.bytes, limits));
    expect(rows.map((row) => cleanAddressValue(row.value))).toEqual([
      "alex@contoso.example",
      "casey@contoso.example",
      "drew@contoso.example",
      "eve@contoso.example",
    ]);
  });
});

describe("readCsv refusals", () => {
  const refusals: [string, Uint8Array, string, RegExp][] = [
    ["an empty file", new Uint8Array(), "empty", /file is empty/],
    ["a BOM and blank lines only", utf8Bom("\r\n  \r\n"), "empty", /file is empty/],
    ["a header and no rows", utf8("email\r\n\r\n"), "empty", /header row but no addresses/],
    ["a PNG image", PNG, "binary", /not a CSV text file.*Save As > CSV UTF-8/],
    ["an Excel workbook", XLSX, "binary", /Excel workbook/],
    ["control characters throughout", new Uint8Array(Array.from({ length: 2000 }, (_, i) => (i * 7) % 32 || 65)), "binary", /not a CSV/],
    [
      "no column of addresses",
      utf8("name,phone\nAlex,555-0100\nCasey,555-0101\n"),
      "no_email_column",
      /Add a header named email above the addresses, or use the sample file/,
    ],
    ["a quote that never closes", utf8('email\nalex@contoso.example\n"casey@contoso.example\ndrew@contoso.example\n'), "unreadable", /Row 3 opens a quote/],
  ];

  it.each(refusals)("refuses %s", async (_name, bytes, code, message) => {
    const result = await readCsv(bytes, limits);
    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? "" : result.message).toMatch(message);
  });

  it("refuses a file over the size limit before reading it", async () => {
    const result = await readCsv(utf8("email\n" + "alex@contoso.example\n".repeat(100)), { maxBytes: 1024, maxRows: 1000 });
    expect(result).toMatchObject({ ok: false, code: "too_large" });
    expect(result.ok ? "" : result.message).toBe("The file is 2.1 KB; the limit is 1 KB. Split it into smaller files and upload them one at a time.");
    const big = await readCsv(new Uint8Array(30 * 1024 * 1024 + 1), limits);
    expect(big.ok ? "" : big.message).toMatch(/^The file is 30 MB; the limit is 25 MB\./);
  });

  it("refuses a file over the row limit, and takes one exactly at it", async () => {
    const file = (n: number) => utf8("email\n" + Array.from({ length: n }, (_, i) => `user${i}@contoso.example\n`).join(""));
    const over = await readCsv(file(101), { maxBytes: 1e6, maxRows: 100 });
    expect(over).toMatchObject({ ok: false, code: "too_many_rows" });
    expect(over.ok ? "" : over.message).toMatch(/more than 100 rows\. Split it into files of at most 100 rows/);
    const at = await readCsv(file(100), { maxBytes: 1e6, maxRows: 100 });
    expect(at.ok && at.detection.totalRows).toBe(100);
  });
});

describe("readCsv on large and wide files", () => {
  it("finds the email column among 10,000 columns", async () => {
    const names = Array.from({ length: 10_000 }, (_, i) => (i === 9_000 ? "Work Email" : `field ${i}`));
    const row = (n: number) => names.map((_, i) => (i === 9_000 ? `user${n}@contoso.example` : `v${n}.${i}`)).join(",");
    const bytes = utf8([names.join(","), row(1), row(2), row(3)].join("\r\n"));
    const started = performance.now();
    const result = await readCsv(bytes, limits);
    expect(result.ok && result.detection).toMatchObject({ column: "Work Email", totalRows: 3 });
    expect((await readAll(result)).map((r) => r.value)).toEqual(["user1@contoso.example", "user2@contoso.example", "user3@contoso.example"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("reads 100,000 rows in batches in under 1.5 s, yielding to the event loop", async () => {
    const lines = ["userPrincipalName,displayName,mail"];
    for (let i = 0; i < 100_000; i++) lines.push(`user${i}@contoso.example,"User ${i}",${i % 50 ? `user${i}@contoso.example` : ""}`);
    const bytes = utf8Bom(lines.join("\r\n") + "\r\n");
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const started = performance.now();
    const result = await readCsv(bytes, limits);
    const turnsWhileReading = turns;
    let count = 0;
    let batches = 0;
    let misnumbered = 0;
    let wrongValues = 0;
    if (!result.ok) throw new Error(result.message);
    for await (const batch of result.rows(1000)) {
      batches++;
      for (const row of batch) {
        const i = count++;
        if (row.rowNumber !== i + 2) misnumbered++;
        if (row.value !== `user${i}@contoso.example`) wrongValues++; // mail, or the UPN where mail is empty
      }
    }
    const elapsed = performance.now() - started;
    clearInterval(timer);
    expect(result.detection).toMatchObject({ column: "mail", fallbackColumn: "userPrincipalName", totalRows: 100_000 });
    expect(count).toBe(100_000);
    expect(batches).toBe(100);
    expect(misnumbered).toBe(0);
    expect(wrongValues).toBe(0);
    expect(turnsWhileReading).toBeGreaterThan(3);
    expect(turns).toBeGreaterThan(turnsWhileReading);
    expect(elapsed).toBeLessThan(1500);
  });

  it("matches papaparse reading the whole text at once, across chunk boundaries", async () => {
    // Quoted cells with delimiters, quotes and line breaks, blank lines, ragged rows: 600 KB, ten chunks.
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const lines = ["name;email;note"];
    for (let i = 0; i < 12_000; i++) {
      const kind = next(10);
      if (kind === 0) lines.push("");
      else if (kind === 1) lines.push(`"Name ${i}";"""User ${i}"" <user${i}@contoso.example>";"a\r\nb; ""c"""`);
      else if (kind === 2) lines.push(`Name ${i};`);
      else lines.push(`Name ${i};user${i}@contoso.example;${"x".repeat(next(40))}`);
    }
    const text = lines.join("\r\n");
    const expected = Papa.parse<string[]>(text, { delimiter: ";", newline: "\r\n" })
      .data.map((cells, index) => ({ rowNumber: index + 1, cells }))
      .filter(({ rowNumber, cells }) => rowNumber > 1 && cells.some((cell) => cell.trim() !== ""))
      .map(({ rowNumber, cells }) => ({ rowNumber, value: cells[1] ?? "" }));
    const rows = await readAll(await readCsv(utf8(text), limits), 777);
    expect(rows.length).toBe(expected.length);
    expect(rows).toEqual(expected);
  });

  it("measures papaparse alone against readCsv (printed for the benchmark report)", async () => {
    const sizes = process.env.CSV_MEASURE ? [100_000, 1_000_000] : [100_000];
    for (const size of sizes) {
      const lines = ["email,name"];
      for (let i = 0; i < size; i++) lines.push(`user${i}@contoso.example,User ${i}`);
      const bytes = utf8(lines.join("\r\n") + "\r\n");
      lines.length = 0;
      let started = performance.now();
      const parsed = Papa.parse<string[]>(new TextDecoder().decode(bytes));
      const papaMs = performance.now() - started;
      const papaRows = parsed.data.length;
      started = performance.now();
      const result = await readCsv(bytes, { maxBytes: 1e9, maxRows: 2_000_000 });
      const readMs = performance.now() - started;
      const rows = (await readAll(result, 1000)).length;
      const allMs = performance.now() - started;
      expect(papaRows).toBe(size + 2); // header and the empty line after the last line break
      expect(rows).toBe(size);
      console.log(
        `csv ${size} rows, ${(bytes.length / 1e6).toFixed(1)} MB: papaparse alone ${papaMs.toFixed(0)} ms; ` +
          `readCsv ${readMs.toFixed(0)} ms (${(readMs / papaMs).toFixed(2)}x), with rows() ${allMs.toFixed(0)} ms (${(allMs / papaMs).toFixed(2)}x)`,
      );
    }
  }, 120_000);
});

describe("describeDetection", () => {
  it("says what was detected in one line", () => {
    expect(describeDetection({ encoding: "UTF-16 LE", delimiter: "\t", hasHeader: true, column: "E-mail", totalRows: 312 })).toBe(
      "UTF-16 LE, tab-separated, header row, column 'E-mail', 312 rows",
    );
    expect(describeDetection({ encoding: "UTF-8", delimiter: ",", hasHeader: false, column: "column 2", totalRows: 1 })).toBe(
      "UTF-8, comma-separated, no header row, column 2, 1 row",
    );
    expect(
      describeDetection({
        encoding: "UTF-8 with BOM",
        delimiter: ";",
        hasHeader: true,
        column: "mail",
        fallbackColumn: "userPrincipalName",
        totalRows: 100_000,
      }),
    ).toBe("UTF-8 with BOM, semicolon-separated, header row, column 'mail' (or 'userPrincipalName' where it is empty), 100,000 rows");
  });

  it("describes what readCsv found", async () => {
    const result = await readCsv(cases[3]!.bytes, limits);
    expect(result.ok && describeDetection(result.detection)).toBe("UTF-16 LE, tab-separated, header row, column 'E-mail', 2 rows");
  });
});
