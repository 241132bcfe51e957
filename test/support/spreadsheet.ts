// Reading CSV the way spreadsheets do, to check that no download carries a live formula
// whatever list separator the reader uses (test/fuzz/csv-writer.test.ts, the download routes).

export const SEPARATORS = [",", ";", "\t"] as const;

/** Reads CSV text with `separator` the way a spreadsheet does: quoted only when the field starts with a quote, "" inside quotes is one quote. */
export function readAsSpreadsheet(text: string, separator: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (; i < text.length; i++) {
        if (text[i] !== '"') field += text[i];
        else if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          i++;
          break;
        }
      }
    }
    while (i < text.length && text[i] !== separator && text[i] !== "\r" && text[i] !== "\n") field += text[i++];
    record.push(field);
    if (text[i] === separator) {
      i++;
      continue;
    }
    records.push(record);
    record = [];
    if (text[i] === "\r" && text[i + 1] === "\n") i++;
    i++;
  }
  return records;
}

/** A field a spreadsheet would compute: = + - or @ first, even behind spaces, tabs, line breaks and quotes (some readers trim them). */
export const isLiveFormula = (field: string) => /^[ "\t\r\n]*[=+\-@]/.test(field);
