// The activity log as CSV, written by the shared CSV writer (views/components/csv.ts: a BOM,
// RFC 4180 quoting, no live formula whatever the reader's list separator).
import type { ActivityRow } from "../../src/domain/activity.js";
import { csvLine } from "../components/csv.js";
import { affectedPerson, describeActivity } from "./activity-sentence.js";

export const ACTIVITY_CSV_HEADER = ["Time (UTC)", "Action", "What", "Who", "Who (email)", "Affected person", "Affected email"];

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
