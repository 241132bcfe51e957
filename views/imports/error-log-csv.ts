// The error log as CSV: UTF-8 with a BOM, `row,email,problem,suggestion,detail`, the email cell
// as uploaded (a ' only where a spreadsheet would otherwise compute it), every cell safe from
// formula injection (views/components/csv.ts). Its `email` header lets the corrected file be
// uploaded again as it is.
import type { ProblemRow } from "../../src/domain/imports.js";
import { CSV_BOM, csvLine } from "../components/csv.js";

export const ERROR_LOG_HEADER = CSV_BOM + csvLine(["row", "email", "problem", "suggestion", "detail"]);

export function errorLogLine(row: ProblemRow): string {
  return csvLine([String(row.rowNumber), row.value, row.code, row.suggestion, row.message]);
}
