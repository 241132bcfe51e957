// The activity log as CSV, written by the shared CSV writer (views/components/csv.ts: a BOM,
// RFC 4180 quoting, no live formula whatever the reader's list separator).
import type { ActivityEvent } from "../../src/domain/activity.js";
import { csvLine } from "../components/csv.js";
import { affectedPerson, describeActivity } from "./activity-sentence.js";

export const ACTIVITY_CSV_HEADER = ["Time (UTC)", "Action", "What", "Who", "Who (email)", "Affected person", "Affected email"];

export function activityCsvLine(event: ActivityEvent): string {
  const affected = affectedPerson(event);
  return csvLine([
    event.createdAt.toISOString(),
    event.action,
    describeActivity(event),
    event.actorName || (event.actorId ? "Unknown person" : event.actorLabel || "System"),
    event.actorEmail,
    affected?.name,
    affected?.email,
  ]);
}
