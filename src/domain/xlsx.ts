// Reading an uploaded Excel workbook (.xlsx) as it is: its first sheet, streamed a piece at a
// time (xlsx-package.ts), the address column found as in a CSV (csv-columns.ts) from the first
// non-blank rows, and only that column's cell kept per row (csv-store.ts), so a 100,000-row
// workbook costs about what the same rows as CSV do. Row numbers are the sheet's own.
import type { SaxesTagPlain } from "saxes";
import { chooseEmailColumn, type ColumnChoice } from "./csv-columns.js";
import { CsvRowStore } from "./csv-store.js";
import { readBatches, type CsvLimits, type CsvReadResult, type CsvRefusalCode } from "./csv.js";
import { openWorkbook, parseXml, type Workbook } from "./xlsx-package.js";

export type XlsxDetection = { format: "xlsx"; sheet: string; hasHeader: boolean; column: string; fallbackColumn?: string; totalRows: number };
export type XlsxReadResult = (Omit<Extract<CsvReadResult, { ok: true }>, "detection"> & { detection: XlsxDetection }) | Extract<CsvReadResult, { ok: false }>;

const SAMPLE_RECORDS = 50;
/** An inflated part this many times the upload limit is not a list of addresses (a ZIP bomb, say). */
const INFLATE_RATIO = 40;
const SAVE_AGAIN = "Open it in Excel and save it again as an Excel Workbook (.xlsx), or choose File > Save As > CSV UTF-8, then upload that file.";
const count = new Intl.NumberFormat("en-US");

const refuse = (code: CsvRefusalCode, message: string): XlsxReadResult => ({ ok: false, code, message });

/** "B12" -> 1 (the column's index), or null without a reference. */
function columnOf(ref: string | undefined): number | null {
  if (!ref) return null;
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n > 0 ? n - 1 : null;
}

export async function readXlsx(bytes: Uint8Array, limits: CsvLimits): Promise<XlsxReadResult> {
  const opened = await openWorkbook(bytes);
  if (!opened.ok) {
    return opened.problem === "binary_workbook"
      ? refuse(
          "unsupported_format",
          "This is an Excel Binary Workbook (.xlsb), which cannot be read here. In Excel, choose File > Save As > Excel Workbook (.xlsx) or CSV UTF-8, then upload that file.",
        )
      : opened.problem === "not_a_workbook"
        ? refuse(
            "unsupported_format",
            "This file is a ZIP archive, not an Excel workbook or a CSV file (an OpenDocument or Word file, say). Save your list as an Excel Workbook (.xlsx) or as CSV UTF-8, then upload that file.",
          )
        : refuse("unreadable", `The workbook could not be opened; it may be damaged. ${SAVE_AGAIN}`);
  }
  const { workbook } = opened;
  try {
    const maxInflated = limits.maxBytes * INFLATE_RATIO;
    if (workbook.sheet.uncompressedSize > maxInflated || (workbook.sharedStrings?.uncompressedSize ?? 0) > maxInflated) {
      return refuse(
        "too_large",
        `The workbook's first sheet is too large to read. Split the list into smaller files, or save it as CSV UTF-8, and upload them one at a time.`,
      );
    }
    return await readFirstSheet(workbook, limits);
  } catch {
    return refuse("unreadable", `The workbook could not be read; it may be damaged. ${SAVE_AGAIN}`);
  } finally {
    workbook.zip.close();
  }
}

/** The shared strings table: each item's text (rich text runs joined; phonetic guides left out). */
async function readSharedStrings(workbook: Workbook): Promise<string[]> {
  const strings: string[] = [];
  if (!workbook.sharedStrings) return strings;
  let text: string | null = null;
  let inText = false;
  let phonetic = 0;
  await parseXml(workbook.zip, workbook.sharedStrings, {
    open: (tag) => {
      if (tag.name === "si") text = "";
      else if (tag.name === "rPh") phonetic++;
      else if (tag.name === "t") inText = phonetic === 0;
    },
    text: (value) => {
      if (inText && text !== null) text += value;
    },
    close: (name) => {
      if (name === "t") inText = false;
      else if (name === "rPh") phonetic--;
      else if (name === "si") {
        strings.push(text ?? "");
        text = null;
      }
    },
  });
  return strings;
}

async function readFirstSheet(workbook: Workbook, limits: CsvLimits): Promise<XlsxReadResult> {
  const strings = await readSharedStrings(workbook);
  const store = new CsvRowStore();
  const sample: { rowNumber: number; cells: string[] }[] = [];
  let choice: ColumnChoice | null | undefined;
  let headerRow = 0;
  let refusal: XlsxReadResult | null = null;

  const keep = (rowNumber: number, cells: string[]) => {
    if (!choice || rowNumber <= headerRow) return;
    let value = cells[choice.index] ?? "";
    if (choice.fallbackIndex !== undefined && value.trim() === "") value = cells[choice.fallbackIndex] ?? "";
    if (store.size >= limits.maxRows) {
      refusal = refuse(
        "too_many_rows",
        `The sheet has more than ${count.format(limits.maxRows)} rows. Split it into files of at most ${count.format(limits.maxRows)} rows and upload them one at a time.`,
      );
      return;
    }
    store.add(rowNumber, value);
    if (store.size % 5000 === 0) store.seal();
  };
  const decide = () => {
    choice = chooseEmailColumn(sample.map((r) => r.cells));
    if (!choice) return;
    headerRow = choice.headerAt >= 0 ? sample[choice.headerAt]!.rowNumber : 0;
    for (const r of sample) keep(r.rowNumber, r.cells);
  };

  // One row at a time: its cells by column, each the text a spreadsheet shows for a string, or the stored value.
  let rowNumber = 0;
  let cells: string[] = [];
  let cell: { column: number; type: string; text: string } | null = null;
  let capture = 0;
  let phonetic = 0;
  await parseXml(workbook.zip, workbook.sheet, {
    open: (tag: SaxesTagPlain) => {
      switch (tag.name) {
        case "row":
          rowNumber = Number(tag.attributes.r) || rowNumber + 1;
          cells = [];
          break;
        case "c":
          cell = { column: columnOf(tag.attributes.r) ?? cells.length, type: tag.attributes.t ?? "n", text: "" };
          break;
        case "v":
          capture++;
          break;
        case "t":
          if (phonetic === 0) capture++;
          break;
        case "rPh":
          phonetic++;
          break;
      }
    },
    text: (value) => {
      if (capture > 0 && cell) cell.text += value;
    },
    close: (name) => {
      if (name === "v" || (name === "t" && phonetic === 0)) capture = Math.max(0, capture - 1);
      else if (name === "rPh") phonetic--;
      else if (name === "c" && cell) {
        cells[cell.column] = cell.type === "s" ? (strings[Number(cell.text)] ?? "") : cell.text;
        cell = null;
      } else if (name === "row") {
        for (let i = 0; i < cells.length; i++) cells[i] ??= "";
        if (cells.every((c) => c.trim() === "")) return;
        if (choice === undefined) {
          sample.push({ rowNumber, cells });
          if (sample.length >= SAMPLE_RECORDS) decide();
        } else keep(rowNumber, cells);
      }
    },
    stop: () => refusal !== null || choice === null,
  });
  // A sheet shorter than the sample is decided at its end.
  if (choice === undefined) decide();
  if (refusal) return refusal as XlsxReadResult;
  if (!choice) {
    return sample.length === 0
      ? refuse(
          "empty",
          `The first sheet ("${workbook.sheetName}") is empty. Put a header named email in the first row and one address per row below it, or start from the sample file.`,
        )
      : refuse(
          "no_email_column",
          `The first sheet ("${workbook.sheetName}") has no column of email addresses. Add a header named email above the addresses, or put the list on the first sheet.`,
        );
  }
  store.seal();
  if (store.size === 0)
    return refuse("empty", "The sheet has a header row but no addresses below it. Add one address per row under the header, then upload it again.");
  const found = choice as ColumnChoice;
  const detection: XlsxDetection = {
    format: "xlsx",
    sheet: workbook.sheetName,
    hasHeader: found.headerAt >= 0,
    column: found.name,
    ...(found.fallbackName !== undefined ? { fallbackColumn: found.fallbackName } : {}),
    totalRows: store.size,
  };
  return { ok: true, detection, rows: (batchSize = 500) => readBatches(store, batchSize) };
}
