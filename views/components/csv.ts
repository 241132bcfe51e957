// Every CSV the app writes goes through csvLine: UTF-8 with a BOM (Excel then reads names
// correctly), RFC 4180 quoting for ",", and no cell that a spreadsheet would run as a formula
// whatever list separator it reads with. Excel in many locales splits on ";" (German, French,
// Dutch …) and some tools on a tab, and there quoting does not protect: a quote opens a field
// only at the field's start. So every place where a field can start in any of those readings
// (the cell's start, and after each , ; tab, CR or LF inside it) gets a ' before a formula
// trigger (= + - @ tab CR), even behind spaces and quotes. Real addresses have none of these and
// are written unchanged.

export const CSV_BOM = "\uFEFF";

const isTrigger = (c: number) => c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
const isFieldBreak = (c: number) => c === 0x2c || c === 0x3b || c === 0x09 || c === 0x0d || c === 0x0a;

/** A field starting at `at` would begin with a formula once leading spaces and quotes are read past. */
function formulaAt(text: string, at: number): boolean {
  let i = at;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x22)) i++;
  return i < text.length && isTrigger(text.charCodeAt(i));
}

const FIELD_BREAK = /[,;\t\r\n]/;

/** The text with a ' at every field start that would otherwise begin a formula. */
export function neutralizeFormulas(text: string): string {
  if (!FIELD_BREAK.test(text)) return formulaAt(text, 0) ? `'${text}` : text; // most cells: one field start
  let out = "";
  let from = 0;
  for (let at = 0; at <= text.length; at++) {
    if ((at === 0 || isFieldBreak(text.charCodeAt(at - 1))) && formulaAt(text, at)) {
      out += text.slice(from, at) + "'";
      from = at;
    }
  }
  return from === 0 && out === "" ? text : out + text.slice(from);
}

export function csvCell(value: string | null | undefined): string {
  const cell = neutralizeFormulas(value ?? "");
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export const csvLine = (cells: (string | null | undefined)[]): string => cells.map(csvCell).join(",") + "\r\n";
