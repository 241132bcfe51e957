// The activity log as CSV: UTF-8 with a BOM (Excel then reads names correctly), RFC 4180
// quoting, and formula-injection safety: a cell a spreadsheet would run as a formula (starting
// with = + - @, a tab or a carriage return) gets a leading single quote.
import type { ActivityRow } from "../../src/domain/activity.js";
import { affectedPerson, describeActivity } from "./activity-sentence.js";

export const CSV_BOM = "\uFEFF";
export const ACTIVITY_CSV_HEADER = ["Time (UTC)", "Action", "What", "Who", "Who (email)", "Affected person", "Affected email"];

export function csvCell(value: string | null | undefined): string {
  let cell = value ?? "";
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export const csvLine = (cells: (string | null | undefined)[]): string => cells.map(csvCell).join(",") + "\r\n";

export function activityCsvLine(row: ActivityRow): string {
  const affected = affectedPerson(row);
  return csvLine([
    row.createdAt.toISOString(),
    row.action,
    describeActivity(row),
    row.actorName || (row.actorId ? "Unknown person" : "System"),
    row.actorEmail,
    affected?.name,
    affected?.email,
  ]);
}
