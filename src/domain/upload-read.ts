// Reading an uploaded list of addresses, whatever the admin saved it as: detected by its content,
// not its name. An Excel workbook (.xlsx: a ZIP package with a workbook part) is read as it is
// (xlsx.ts); an Excel 97-2003 workbook (.xls) or a password-protected one (both an OLE compound
// file) is refused with what to do; anything else is read as CSV text (csv.ts), which refuses
// other binary files.
import { describeDetection as describeCsvDetection, readCsv, type CsvDetection, type CsvLimits, type CsvReadResult } from "./csv.js";
import { readXlsx, type XlsxDetection } from "./xlsx.js";

export type UploadDetection = CsvDetection | XlsxDetection;
export type UploadReadResult =
  | (Omit<Extract<CsvReadResult, { ok: true }>, "detection"> & { detection: UploadDetection })
  | Extract<CsvReadResult, { ok: false }>;

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);
/** A ZIP archive's first local file header, or an empty archive's end record. */
const isZip = (bytes: Uint8Array) => startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]);
/** An OLE compound file: .xls, .doc, and Office's encrypted (password-protected) packages. */
const isCompoundFile = (bytes: Uint8Array) => startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export async function readUpload(bytes: Uint8Array, limits: CsvLimits): Promise<UploadReadResult> {
  if (bytes.length <= limits.maxBytes && isCompoundFile(bytes)) {
    return {
      ok: false,
      code: "unsupported_format",
      message:
        "This is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which cannot be read here. In Excel, choose File > Save As > Excel Workbook (.xlsx), without a password, or CSV UTF-8, then upload that file.",
    };
  }
  if (bytes.length <= limits.maxBytes && isZip(bytes)) return readXlsx(bytes, limits);
  return readCsv(bytes, limits);
}

/** One line for the import page: "UTF-8, comma-separated, header row, column 'email', 312 rows" or "Excel workbook, sheet 'People', …". */
export function describeDetection(d: UploadDetection): string {
  if ("format" in d && d.format === "xlsx") {
    const named = d.hasHeader ? `column '${d.column}'` : d.column;
    const column = d.fallbackColumn ? `${named} (or '${d.fallbackColumn}' where it is empty)` : named;
    return `Excel workbook, sheet '${d.sheet}', ${d.hasHeader ? "header row" : "no header row"}, ${column}, ${new Intl.NumberFormat("en-US").format(d.totalRows)} ${d.totalRows === 1 ? "row" : "rows"}`;
  }
  return describeCsvDetection(d as CsvDetection);
}
