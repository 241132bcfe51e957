// The Invite User type-ahead's statement: people whose email, user principal name, given name,
// surname or display name starts with the text. Each column is a prefix RANGE on its
// (org_id, column) index with its own LIMIT, all in one statement, so a 200,000-person directory
// answers in a fraction of a millisecond; a LIKE would scan.
import type { Db } from "../types.js";
import { readStatement } from "../driver.js";
import type { MemberStatus } from "../schema.js";

export type DirectoryHit = {
  id: string;
  display_name: string;
  mail: string | null;
  upn: string | null;
  job_title: string | null;
  account_enabled: number;
  status: MemberStatus | null;
};

// Each branch reads only its index (rowid and the indexed value: no table access); the best
// candidates are then looked up by rowid. Removed people are dropped after that lookup, so the
// branches over-fetch a little. Plain SQL text with numbered parameters: built once, not per call.
const branch = (column: string, rank: string) => `SELECT rowid AS r, ${column} AS v, ${rank} AS rank FROM (
    SELECT rowid, ${column} FROM directory_people
    WHERE org_id = ?1 AND ${column} >= ?2 AND ${column} < ?3 ORDER BY ${column} LIMIT ?4)`;
const SEARCH = `
  WITH hits AS (
    ${branch("mail_norm", "CASE WHEN mail_norm = ?2 THEN 0 ELSE 1 END")}
    UNION ALL ${branch("upn_norm", "CASE WHEN upn_norm = ?2 THEN 0 ELSE 1 END")}
    UNION ALL ${branch("display_norm", "2")}
    UNION ALL ${branch("given_norm", "2")}
    UNION ALL ${branch("surname_norm", "2")}
  ),
  -- min(rank) with a bare column: SQLite takes v from the row with the best rank.
  best AS (SELECT r, min(rank) AS rank, v FROM hits GROUP BY r ORDER BY rank, v, r LIMIT ?4)
  SELECT p.id, p.display_name, p.mail, p.user_principal_name AS upn, p.job_title, p.account_enabled,
    (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = p.org_id
      ORDER BY CASE m.status WHEN 'active' THEN 0 WHEN 'invited' THEN 1 ELSE 2 END LIMIT 1) AS status
  FROM best JOIN directory_people p ON p.rowid = best.r
  WHERE p.removed_at IS NULL
  ORDER BY best.rank, best.v, best.r
  LIMIT ?5`;

export const statements = {
  SEARCH: { sql: SEARCH, columns: ["id", "display_name", "mail", "upn", "job_title", "account_enabled", "status"] satisfies (keyof DirectoryHit)[] },
};

/** At most `limit` people whose indexed names or addresses start with `q` (normalized), best first. */
export async function searchDirectoryPeople(db: Db, orgId: string, q: string, limit: number): Promise<DirectoryHit[]> {
  const result = await readStatement(db, { sql: SEARCH, args: [orgId, q, q + "\u{10FFFF}", limit + 5, limit] });
  return result.rows as unknown as DirectoryHit[];
}
