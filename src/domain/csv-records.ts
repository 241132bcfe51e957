// Splitting decoded CSV text into records, the same way for every reader (uploads in csv.ts, the
// directory export in directory-csv.ts): Excel's "sep=" line, the delimiter and line-break guess,
// and papaparse's core parser.
import Papa from "papaparse";

export type CsvDelimiter = "," | ";" | "\t";
export type CsvFormat = { delimiter: CsvDelimiter; newline: "\n" | "\r" };

/** Excel honours (and hides) a first line "sep=;" naming the delimiter; row numbers skip it. */
export function splitSeparatorHint(text: string): { text: string; delimiter: CsvDelimiter | undefined } {
  const hint = /^sep=([,;\t])(?:\r\n|\n|\r)/i.exec(text);
  return hint ? { text: text.slice(hint[0].length), delimiter: hint[1] as CsvDelimiter } : { text, delimiter: undefined };
}

// papaparse's guess prefers the delimiter that gives the most consistent field count (over 1);
// a single-column file gets none, and a comma is as good as any there.
export function guessDelimiter(sample: string): CsvDelimiter {
  const guessed = Papa.parse<string[]>(sample, { delimitersToGuess: [",", ";", "\t"], preview: 10, skipEmptyLines: "greedy" });
  const delimiter = guessed.meta.delimiter;
  return delimiter === ";" || delimiter === "\t" ? delimiter : ",";
}

// Files from Windows end lines with CRLF, others with LF, and files pasted together mix both.
// Splitting on LF handles all three (the CR left at the end of a line's last cell is dropped by
// cellAt); only old Mac files end lines with CR alone.
export function guessNewline(sample: string): "\n" | "\r" {
  return sample.includes("\r") && !sample.includes("\n") ? "\r" : "\n";
}

/** papaparse's core parser over a piece of text that starts at a record boundary. */
export function parseRecords(text: string, format: CsvFormat, stopBeforePartialRecord: boolean) {
  return new Papa.Parser(format).parse(text, 0, stopBeforePartialRecord) as Papa.ParseResult<string[]>;
}

/** A cell without the CR that a CRLF line break leaves on the last cell of each line. */
export function cellAt(cells: readonly string[], index: number): string {
  const cell = cells[index];
  if (cell === undefined) return "";
  return index === cells.length - 1 && cell.endsWith("\r") ? cell.slice(0, -1) : cell;
}

export function isBlank(cells: readonly string[]): boolean {
  for (const cell of cells) if (cell.trim() !== "") return false;
  return true;
}
