// Reading an uploaded CSV of email addresses: decode (csv-decode.ts), detect the delimiter
// (csv-records.ts) and the email column (csv-columns.ts), then one chunked pass with papaparse's
// core parser that keeps only the email cell of each row, packed (csv-store.ts), so a
// 1,000,000-row file costs a few tens of megabytes and the event loop gets a turn between chunks.
// The text is decoded as the pass goes (openCsvText): the file is never held as one string.
import { chooseEmailColumn, type ColumnChoice } from "./csv-columns.js";
import { openCsvText, type CsvEncoding } from "./csv-decode.js";
import type { CsvTextReader } from "./csv-text.js";
import { cellAt, guessDelimiter, guessNewline, isBlank, parseRecords, splitSeparatorHint, type CsvFormat as Format } from "./csv-records.js";
import { CsvRowStore, type CsvRow } from "./csv-store.js";
import { yieldToEventLoop } from "../event-loop.js";

export type { CsvRow } from "./csv-store.js";
export type { CsvEncoding } from "./csv-decode.js";

export type CsvDetection = {
  encoding: CsvEncoding;
  delimiter: "," | ";" | "\t";
  hasHeader: boolean;
  /** The header text as given, or "column 2" when the file has no header. */
  column: string;
  /** Used on rows where `column` is empty (a file with both mail and userPrincipalName). */
  fallbackColumn?: string;
  /** Data rows: non-blank lines, header excluded. */
  totalRows: number;
};

export type CsvRefusalCode = "empty" | "binary" | "too_large" | "too_many_rows" | "no_email_column" | "unreadable" | "unsupported_format";

export type CsvReadResult =
  | {
      ok: true;
      detection: CsvDetection;
      /**
       * The data rows in file order, in batches (default 500), yielding to the event loop between
       * batches. Blank lines are skipped; a row whose email cell is empty comes with value "".
       * Each call starts again at the first row (the values are kept in memory, packed).
       */
      rows(batchSize?: number): AsyncGenerator<CsvRow[]>;
    }
  | { ok: false; code: CsvRefusalCode; message: string };

export type CsvLimits = { maxBytes: number; maxRows: number };

// Small chunks keep papaparse's arrays in the young generation: 64 K is twice as fast as 1 M.
const CHUNK_CHARS = 1 << 16;
const SAMPLE_CHARS = 1 << 16;
const SAMPLE_RECORDS = 50;
// No list of addresses has a row this long (10,000 columns of a wide export fit); past it
// papaparse would chew on one record without a break, so the file is refused instead. Each try
// doubles the chunk up to this, so one record holds the event loop for a bounded stretch whatever
// the cell holds (a long cell of "" quotes, say).
export const MAX_RECORD_CHARS = 1 << 18;
const count = new Intl.NumberFormat("en-US");

/** Reads an uploaded file, or refuses it at once with a message that says what to do. */
export async function readCsv(bytes: Uint8Array, limits: CsvLimits): Promise<CsvReadResult> {
  if (bytes.length > limits.maxBytes) {
    return refuse(
      "too_large",
      `The file is ${formatSize(bytes.length)}; the limit is ${formatSize(limits.maxBytes)}. Split it into smaller files and upload them one at a time.`,
    );
  }
  if (bytes.length === 0)
    return refuse("empty", "The file is empty. Put a header named email in the first row and one address per row below it, or start from the sample file.");
  const decoded = openCsvText(bytes);
  if (!decoded.ok) return decoded;
  // Excel's "sep=" line: its length in characters, and the delimiter it names.
  const start = decoded.text.start(SAMPLE_CHARS);
  const hint = splitSeparatorHint(start);
  const reader = () => {
    const read = decoded.text.reader();
    read.skip(start.length - hint.text.length);
    return read;
  };
  const { format, records: firstRecords } = await sampleRecords(reader(), hint.delimiter);
  const delimiter = format.delimiter;
  const choice = chooseEmailColumn(firstRecords.map((record) => record.cells));
  if (!choice) {
    return refuse("no_email_column", "The file has no column of email addresses. Add a header named email above the addresses, or use the sample file.");
  }
  // Row numbers count every line a spreadsheet shows, blank ones included, so they match what
  // the admin sees when opening the file. Lines above the header (a title) are not data.
  const headerRow = choice.headerAt >= 0 ? firstRecords[choice.headerAt]!.rowNumber : 0;
  const store = new CsvRowStore();
  const outcome = await collectRows(reader(), format, choice, headerRow, store, limits.maxRows);
  if (outcome) return outcome;
  if (store.size === 0) {
    return refuse("empty", "The file has a header row but no addresses below it. Add one address per row under the header, then upload it again.");
  }
  const detection: CsvDetection = {
    encoding: decoded.encoding,
    delimiter,
    hasHeader: choice.headerAt >= 0,
    column: choice.name,
    ...(choice.fallbackName !== undefined ? { fallbackColumn: choice.fallbackName } : {}),
    totalRows: store.size,
  };
  return { ok: true, detection, rows: (batchSize = 500) => readBatches(store, batchSize) };
}

/** One line for the import page: "UTF-16 LE, tab-separated, header row, column 'E-mail', 312 rows". */
export function describeDetection(d: CsvDetection): string {
  const separator = d.delimiter === "\t" ? "tab" : d.delimiter === ";" ? "semicolon" : "comma";
  const named = d.hasHeader ? `column '${d.column}'` : d.column;
  const column = d.fallbackColumn ? `${named} (or '${d.fallbackColumn}' where it is empty)` : named;
  const rows = `${count.format(d.totalRows)} ${d.totalRows === 1 ? "row" : "rows"}`;
  return `${d.encoding}, ${separator}-separated, ${d.hasHeader ? "header row" : "no header row"}, ${column}, ${rows}`;
}

function refuse(code: CsvRefusalCode, message: string): CsvReadResult {
  return { ok: false, code, message };
}

function formatSize(bytes: number): string {
  const [amount, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, "MB"] : [bytes / 1024, "KB"];
  return `${new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(amount)} ${unit}`;
}

type SampleRecord = { rowNumber: number; cells: string[] };

/**
 * The format and the first non-blank records, from the first 64 K characters, or more when
 * lines are so long (thousands of columns) that fewer than two records fit in them, up to
 * MAX_RECORD_CHARS (a longer record is refused by collectRows). Yields between tries.
 */
async function sampleRecords(text: CsvTextReader, delimiter?: Format["delimiter"]): Promise<{ format: Format; records: SampleRecord[] }> {
  for (let size = SAMPLE_CHARS; ; size *= 2) {
    if (size > SAMPLE_CHARS) await yieldToEventLoop();
    const { text: sample, last } = text.peek(size);
    const format: Format = { delimiter: delimiter ?? guessDelimiter(sample), newline: guessNewline(sample) };
    const records: SampleRecord[] = [];
    parseRecords(sample, format, !last).data.forEach((cells, index) => {
      if (records.length < SAMPLE_RECORDS && !isBlank(cells)) records.push({ rowNumber: index + 1, cells: cells.map((_, i) => cellAt(cells, i)) });
    });
    if (last || records.length >= (size < SAMPLE_CHARS * 16 ? SAMPLE_RECORDS : 2) || size >= MAX_RECORD_CHARS) return { format, records };
  }
}

/** Parses the whole text a chunk at a time, keeping the email cell of every non-blank data row. */
async function collectRows(
  text: CsvTextReader,
  format: Format,
  choice: ColumnChoice,
  headerRow: number,
  store: CsvRowStore,
  maxRows: number,
): Promise<CsvReadResult | undefined> {
  const { index, fallbackIndex } = choice;
  let rowNumber = 0;
  let chunkChars = CHUNK_CHARS;
  while (!text.done) {
    const { text: chunk, last } = text.peek(chunkChars);
    const parsed = parseRecords(chunk, format, !last);
    if (last && parsed.errors.some((error) => error.code === "MissingQuotes")) {
      const row = rowNumber + (parsed.errors.find((error) => error.code === "MissingQuotes")!.row ?? 0) + 1;
      return refuse(
        "unreadable",
        `Row ${count.format(row)} opens a quote (") that never closes, so the rest of the file reads as one cell. Remove the stray quote, or save the file again from your spreadsheet.`,
      );
    }
    if (!last && parsed.data.length === 0) {
      if (chunkChars >= MAX_RECORD_CHARS) {
        return refuse(
          "unreadable",
          `Row ${count.format(rowNumber + 1)} is longer than 256 KB, which no list of addresses needs: a quote (") may never close, or the file may not be a list of addresses. Check that row, or save the file again from your spreadsheet.`,
        );
      }
      chunkChars *= 2; // one record longer than a chunk (a very wide header, or a long quoted cell)
      await yieldToEventLoop();
      continue;
    }
    for (const cells of parsed.data) {
      rowNumber++;
      if (rowNumber <= headerRow || isBlank(cells)) continue;
      let value = cellAt(cells, index);
      if (fallbackIndex !== undefined && value.trim() === "") value = cellAt(cells, fallbackIndex);
      if (store.size >= maxRows) {
        return refuse(
          "too_many_rows",
          `The file has more than ${count.format(maxRows)} rows. Split it into files of at most ${count.format(maxRows)} rows and upload them one at a time.`,
        );
      }
      store.add(rowNumber, value);
    }
    store.seal();
    text.skip(last ? chunk.length : parsed.meta.cursor);
    chunkChars = CHUNK_CHARS;
    await yieldToEventLoop();
  }
  return undefined;
}

/** The stored rows in batches, yielding between them (CSV and workbook uploads alike). */
export async function* readBatches(store: CsvRowStore, batchSize: number): AsyncGenerator<CsvRow[]> {
  const size = Math.max(1, Math.floor(batchSize));
  for (let start = 0; start < store.size; start += size) {
    if (start > 0) await yieldToEventLoop();
    yield store.slice(start, start + size);
  }
}
