// The Invite User type-ahead: people in the organization's directory whose email, user principal
// name, given name, surname or display name starts with what the admin typed. Each column is a
// prefix RANGE on its (org_id, column) index with its own LIMIT, all in one statement, so a
// 200,000-person directory answers in a fraction of a millisecond; a LIKE would scan.
import type { Db } from "../db/client.js";
import type { MemberStatus } from "../db/schema.js";
import { normalizeAddress } from "./addresses.js";
import { searchGroups, type GroupMatch } from "./group-search.js";

export const SEARCH_MIN_LENGTH = 2;
export const SEARCH_MAX_LENGTH = 100;
export const SEARCH_LIMIT = 10;

export type DirectoryMatch = {
  personId: string;
  name: string;
  email: string;
  jobTitle: string | null;
  accountEnabled: boolean;
  /** The member's status when the person was already invited, joined or archived. */
  memberStatus: MemberStatus | null;
};

export type DirectorySearch =
  | { ok: true; q: string; matches: DirectoryMatch[]; groups: GroupMatch[] }
  | { ok: false; q: string; message: string };

type Row = {
  id: string; display_name: string; mail: string | null; upn: string | null; job_title: string | null;
  account_enabled: number; status: MemberStatus | null;
};

/** Checks the typed text: at least 2 characters after trimming, at most 100. */
export function checkSearchText(raw: string): { ok: true; q: string } | { ok: false; q: string; message: string } {
  const q = normalizeAddress(raw);
  if (q.length < SEARCH_MIN_LENGTH) return { ok: false, q, message: `Type at least ${SEARCH_MIN_LENGTH} letters of a name or email address.` };
  if (q.length > SEARCH_MAX_LENGTH) return { ok: false, q, message: `Search text is limited to ${SEARCH_MAX_LENGTH} characters.` };
  return { ok: true, q };
}

// Each branch reads only its index (rowid and the indexed value: no table access); the best
// candidates are then looked up by rowid. Removed people are dropped after that lookup, so the
// branches over-fetch a little. Plain SQL text with numbered parameters: built once, not per call.
const branch = (column: string, rank: string) => `SELECT rowid AS r, ${column} AS v, ${rank} AS rank FROM (
    SELECT rowid, ${column} FROM directory_people
    WHERE org_id = ?1 AND ${column} >= ?2 AND ${column} < ?3 ORDER BY ${column} LIMIT ?4)`;
const SEARCH_SQL = `
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

export async function searchDirectory(db: Db, orgId: string, raw: string, limit = SEARCH_LIMIT): Promise<DirectorySearch> {
  const checked = checkSearchText(raw);
  if (!checked.ok) return checked;
  const q = checked.q;
  const result = await db.$client.execute({ sql: SEARCH_SQL, args: [orgId, q, q + "\u{10FFFF}", limit + 5, limit] });
  const rows = result.rows as unknown as Row[];
  return {
    ok: true,
    q,
    groups: await searchGroups(db, orgId, q),
    matches: rows.map((r) => ({
      personId: r.id,
      name: r.display_name,
      email: r.mail ?? r.upn ?? "",
      jobTitle: r.job_title,
      accountEnabled: Boolean(r.account_enabled),
      memberStatus: r.status,
    })),
  };
}
