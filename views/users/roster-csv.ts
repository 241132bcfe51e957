// The roster export (GET /users.csv) as CSV, written by the shared CSV writer
// (views/components/csv.ts: a BOM, RFC 4180 quoting, no live formula whatever the reader's list
// separator). Times in UTC, as ISO 8601.
import type { MemberRow } from "../../src/domain/members.js";
import { CSV_BOM, csvLine } from "../components/csv.js";

export const ROSTER_CSV_HEADER = CSV_BOM + csvLine(["Name", "Email", "Status", "Invited (UTC)", "Joined (UTC)", "Job title", "Department"]);

const statusLabels = { invited: "Invited", active: "Active", archived: "Archived" } as const;

export function rosterCsvLine(row: MemberRow): string {
  return csvLine([row.name, row.email, statusLabels[row.status], row.invitedAt?.toISOString(), row.activatedAt?.toISOString(), row.jobTitle, row.department]);
}
