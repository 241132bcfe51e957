// The Invite User type-ahead: people in the organization's directory whose email, user principal
// name, given name, surname or display name starts with what the admin typed. Each column is a
// prefix RANGE on its (org_id, column) index with its own LIMIT, all in one statement, so a
// 200,000-person directory answers in well under a millisecond; a LIKE would scan.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { MemberStatus } from "../db/schema.js";
import { normalizeAddress } from "./addresses.js";

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
  | { ok: true; q: string; matches: DirectoryMatch[] }
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

export async function searchDirectory(db: Db, orgId: string, raw: string, limit = SEARCH_LIMIT): Promise<DirectorySearch> {
  const checked = checkSearchText(raw);
  if (!checked.ok) return checked;
  const q = checked.q;
  const end = q + "\u{10FFFF}";
  const take = limit + 1;
  // One branch per indexed column. Removed people are skipped inside each branch so they do not
  // use up its LIMIT. Rank: exact address 0, address prefix 1, name prefix 2.
  const branch = (column: string, rank: string) => sql`SELECT id, ${sql.raw(rank)} AS rank FROM (
      SELECT id FROM directory_people
      WHERE org_id = ${orgId} AND ${sql.raw(column)} >= ${q} AND ${sql.raw(column)} < ${end} AND removed_at IS NULL
      ORDER BY ${sql.raw(column)} LIMIT ${take})`;
  const rows = await db.all<Row>(sql`
    WITH hits AS (
      SELECT id, CASE WHEN rank_v = ${q} THEN 0 ELSE 1 END AS rank FROM (
        SELECT id, mail_norm AS rank_v FROM directory_people
        WHERE org_id = ${orgId} AND mail_norm >= ${q} AND mail_norm < ${end} AND removed_at IS NULL ORDER BY mail_norm LIMIT ${take})
      UNION ALL
      SELECT id, CASE WHEN rank_v = ${q} THEN 0 ELSE 1 END AS rank FROM (
        SELECT id, upn_norm AS rank_v FROM directory_people
        WHERE org_id = ${orgId} AND upn_norm >= ${q} AND upn_norm < ${end} AND removed_at IS NULL ORDER BY upn_norm LIMIT ${take})
      UNION ALL ${branch("display_norm", "2")}
      UNION ALL ${branch("given_norm", "2")}
      UNION ALL ${branch("surname_norm", "2")}
    ), best AS (SELECT id, min(rank) AS rank FROM hits GROUP BY id)
    SELECT p.id, p.display_name, p.mail, p.user_principal_name AS upn, p.job_title, p.account_enabled,
      (SELECT m.status FROM members m WHERE m.org_id = p.org_id AND m.person_id = p.id
        ORDER BY CASE m.status WHEN 'active' THEN 0 WHEN 'invited' THEN 1 ELSE 2 END LIMIT 1) AS status
    FROM best JOIN directory_people p ON p.id = best.id
    ORDER BY best.rank, p.display_norm, p.id
    LIMIT ${limit}`);
  return {
    ok: true,
    q,
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
