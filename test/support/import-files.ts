// Upload files for the import benchmark and the crash test: addresses of people in a seeded
// directory (seed-large.ts), with a share of error rows and of typos, deterministic per seed; as
// CSV, or the same rows as an Excel workbook.
import { makeXlsx } from "../support/workbook.js";
import { personAt } from "./seed-large.js";

export type ImportFileSpec = {
  rows: number;
  /** People at the start of the directory are not members yet (seed-large puts members at the end). */
  people: number;
  /** Directory index of the first person named (default 0). */
  offset?: number;
  domain: string;
  errorRate?: number;
  typoRate?: number;
  /** Rows that repeat an earlier row's address in capitals (skipped as duplicates). */
  duplicateRate?: number;
};

/** Swaps two adjacent letters in the middle of the local part: ava.adams12.99 -> ava.aadms12.99. */
export function typoOf(address: string): string {
  const at = address.indexOf("@");
  const local = address.slice(0, at);
  const i = Math.max(1, Math.floor(local.length / 2) - 1);
  const swapped = local.slice(0, i) + local[i + 1] + local[i] + local.slice(i + 2);
  return (swapped === local ? `${local}x` : swapped) + address.slice(at);
}

/** The CSV text: an `email` header, then one address per row; errors cycle through the kinds a real file has. */
export function makeImportCsv(spec: ImportFileSpec): string {
  const lines = ["email", ...makeImportValues(spec).map((v) => (v.includes("<") ? `"${v}"` : v))];
  return lines.join("\r\n") + "\r\n";
}

/** The same rows as makeImportCsv, as an Excel workbook (one sheet, an `email` header). */
export async function makeImportXlsx(spec: ImportFileSpec): Promise<Buffer> {
  return makeXlsx([{ name: "People", rows: [["email"], ...makeImportValues(spec).map((v) => [v])] }]);
}

/** One cell per row, as given. */
function makeImportValues(spec: ImportFileSpec): string[] {
  const errorEvery = spec.errorRate ? Math.round(1 / spec.errorRate) : 0;
  const typoEvery = spec.typoRate ? Math.round(1 / spec.typoRate) : 0;
  const duplicateEvery = spec.duplicateRate ? Math.round(1 / spec.duplicateRate) : 0;
  const lines: string[] = [];
  let errors = 0;
  for (let i = 0; i < spec.rows; i++) {
    const person = personAt((spec.offset ?? 0) + (i % spec.people), spec.domain);
    if (errorEvery && i % errorEvery === errorEvery - 1) {
      const kind = errors++ % 4;
      lines.push(kind === 0 ? "" : kind === 1 ? `not an address ${i}` : kind === 2 ? `nobody.${i}@${spec.domain}` : `bad@@${spec.domain}`);
    } else if (typoEvery && i % typoEvery === typoEvery - 2) {
      lines.push(typoOf(person.mail));
    } else if (duplicateEvery && i > 600 && i % duplicateEvery === duplicateEvery - 3) {
      lines.push(personAt((spec.offset ?? 0) + ((i - 599) % spec.people), spec.domain).mail.toUpperCase());
    } else {
      lines.push(i % 50 === 7 ? `${person.given} ${person.surname} <${person.mail}>` : person.mail);
    }
  }
  return lines;
}
