// Excel workbooks (.xlsx) for the upload tests and the import bench, laid out the way Excel
// writes them: [Content_Types].xml, the package and workbook relationships, one part per sheet,
// and the shared strings AFTER the sheets in the archive (so a reader cannot rely on the order),
// zipped by yazl. Cells may be shared strings, inline strings, rich text with phonetic guides,
// formulas with a cached result, or numbers.
import yazl from "yazl";

export type Cell = string | number | null | { rich: string[]; phonetic?: string } | { formula: string; result: string };
export type SheetSpec = {
  name: string;
  rows: Cell[][];
  hidden?: boolean /** Strings written inline (t="inlineStr") instead of shared. */;
  inline?: boolean /** First row number (default 1). */;
  firstRow?: number;
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const col = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : col(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** The workbook's bytes. `reverseSheetFiles`: the first sheet of the list lives in the last sheet part. */
export async function makeXlsx(sheets: SheetSpec[], options: { reverseSheetFiles?: boolean; contentType?: string } = {}): Promise<Buffer> {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const sharedItems: string[] = [];
  const share = (key: string, xml: string) => {
    let i = sharedIndex.get(key);
    if (i === undefined) {
      sharedIndex.set(key, (i = shared.length));
      shared.push(key);
      sharedItems.push(xml);
    }
    return i;
  };
  const cellXml = (cell: Cell, ref: string, inline: boolean): string => {
    if (cell === null) return "";
    if (typeof cell === "number") return `<c r="${ref}"><v>${cell}</v></c>`;
    if (typeof cell === "string") {
      return inline
        ? `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(cell)}</t></is></c>`
        : `<c r="${ref}" t="s"><v>${share(cell, `<si><t xml:space="preserve">${esc(cell)}</t></si>`)}</v></c>`;
    }
    if ("formula" in cell) return `<c r="${ref}" t="str"><f>${esc(cell.formula)}</f><v>${esc(cell.result)}</v></c>`;
    const runs =
      cell.rich.map((t) => `<r><rPr><b/></rPr><t xml:space="preserve">${esc(t)}</t></r>`).join("") +
      (cell.phonetic ? `<rPh sb="0" eb="1"><t>${esc(cell.phonetic)}</t></rPh>` : "");
    return `<c r="${ref}" t="s"><v>${share(`rich:${cell.rich.join("|")}`, `<si>${runs}</si>`)}</v></c>`;
  };
  const files = sheets.map((_, i) => (options.reverseSheetFiles ? sheets.length - i : i + 1));
  const zip = new yazl.ZipFile();
  const add = (path: string, text: string) => zip.addBuffer(Buffer.from(text, "utf8"), path);
  add(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${options.contentType ?? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}"/>${files.map((f) => `<Override PartName="/xl/worksheets/sheet${f}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
  );
  add(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  add(
    "xl/workbook.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${NS}><sheets>${sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ""} r:id="rId${files[i]}"/>`).join("")}</sheets></workbook>`,
  );
  add(
    "xl/_rels/workbook.xml.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${files.map((f) => `<Relationship Id="rId${f}" Type="${REL}/worksheet" Target="worksheets/sheet${f}.xml"/>`).join("")}<Relationship Id="rId99" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  for (const [i, sheet] of sheets.entries()) {
    const first = sheet.firstRow ?? 1;
    const rows = sheet.rows
      .map((cells, r) => {
        const xml = cells.map((cell, c) => cellXml(cell, `${col(c)}${first + r}`, sheet.inline ?? false)).join("");
        return xml ? `<row r="${first + r}">${xml}</row>` : "";
      })
      .join("");
    add(
      `xl/worksheets/sheet${files[i]}.xml`,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>${rows}</sheetData></worksheet>`,
    );
  }
  add(
    "xl/sharedStrings.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${NS} count="${shared.length}" uniqueCount="${shared.length}">${sharedItems.join("")}</sst>`,
  );
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Any ZIP archive with these files (a Word document, a plain archive). */
export async function makeZip(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text, "utf8"), path);
  zip.end();
  const parts: Buffer[] = [];
  for await (const part of zip.outputStream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
