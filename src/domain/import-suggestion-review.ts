// Use suggestions, before anything is sent: each possible typo with the person it was resolved to
// (their name as the directory has it now), and how many of those people can be invited now.
// Read in windows of row numbers, so each statement stays short however big the file.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { yieldToEventLoop } from "../event-loop.js";

const WINDOW = 5000;

export type SuggestedPerson = {
  rowNumber: number;
  value: string;
  /** The corrected address. */
  suggestion: string;
  /** The person's name now; null when the row predates people being recorded with suggestions. */
  name: string | null;
  /** Why this person will not be invited after all (joined or invited since the check, disabled, left); null when they will be. */
  notInvited: string | null;
};

type Found = [rowNumber: number, value: string, suggestion: string, name: string | null, enabled: number | null, removed: number | null, member: string | null];

const notInvitedBecause = ([, , , name, enabled, removed, member]: Found): string | null =>
  name === null
    ? null
    : removed === 1
      ? "Left the directory since the check."
      : enabled === 0
        ? "Account disabled since the check."
        : member === "invited"
          ? "Invited since the check."
          : member === "active"
            ? "Already a member."
            : null;

/** The first `limit` suggestions not used yet, and how many people Use suggestions would invite now. */
export async function listSuggestedPeople(db: Db, orgId: string, importId: string, limit: number): Promise<{ rows: SuggestedPerson[]; toInvite: number }> {
  const [bounds] = await db.values<[number | null]>(sql`SELECT max(row_number) FROM import_rows WHERE import_id = ${importId}`);
  const last = Number(bounds?.[0] ?? 0);
  const rows: SuggestedPerson[] = [];
  let toInvite = 0;
  for (let after = 0; after < last; after += WINDOW) {
    const [page] = await db.values<[string]>(sql`SELECT json_group_array(json_array(row_number, value, suggestion, name, enabled, removed, member)) FROM (
      SELECT r.row_number, r.value, r.suggestion, p.display_name AS name, p.account_enabled AS enabled, p.removed_at IS NOT NULL AS removed,
        (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = ${orgId} ORDER BY m.status = 'archived' LIMIT 1) AS member
      FROM import_rows r LEFT JOIN directory_people p ON p.id = r.person_id AND p.org_id = ${orgId}
      WHERE r.import_id = ${importId} AND r.org_id = ${orgId} AND r.row_number > ${after} AND r.row_number <= ${after + WINDOW}
        AND r.code = 'possible_typo' AND r.suggestion IS NOT NULL AND r.sent_at IS NULL
      ORDER BY r.row_number)`);
    for (const found of JSON.parse(String(page?.[0] ?? "[]")) as Found[]) {
      const notInvited = notInvitedBecause(found);
      if (notInvited === null) toInvite++;
      if (rows.length < limit) rows.push({ rowNumber: found[0], value: found[1], suggestion: found[2], name: found[3], notInvited });
    }
    await yieldToEventLoop();
  }
  return { rows, toInvite };
}
