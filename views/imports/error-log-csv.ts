// The error log as CSV: UTF-8 with a BOM, `row,email,problem,suggestion,detail`, the email cell
// exactly as uploaded, every cell safe from formula injection (csvCell). Its `email` header lets
// the corrected file be uploaded again as it is.
import type { ProblemRow } from "../../src/domain/imports.js";
import { CSV_BOM, csvLine } from "../activity/activity-csv.js";

export const ERROR_LOG_HEADER = CSV_BOM + csvLine(["row", "email", "problem", "suggestion", "detail"]);

export function errorLogLine(row: ProblemRow): string {
  return csvLine([String(row.rowNumber), row.value, row.code, row.suggestion, row.message]);
}
