// The Users search's counts per status: the first LIMIT+1 matches of each index range (sort
// name, address, a later word of the name), each from a covering index, counted in SQL.
import type { Db } from "../types.js";
import { readStatement } from "../driver.js";
import { memberStatuses, type MemberStatus } from "../schema.js";

/** Where a name's words part: the same characters as the triggers in drizzle/ (member_name_words). */
export const NAME_SEPARATORS = ' -,.()/"';

/** The sort name with every separator turned into a space (what the triggers split at). */
export const spacedSortName = NAME_SEPARATORS.split("")
  .filter((ch) => ch !== " ")
  .reduce((expr, ch) => `replace(${expr}, '${ch}', ' ')`, "sort_name");

const STATUS = (s: string) => `'${s}'`;
/** Per status, the first LIMIT+1 matches of each range, each from a covering index (`+status`:
 *  the address range's index holds the status; the (org, status) index would walk the status). */
const countSql = (phrase: boolean) =>
  memberStatuses
    .map(
      (status) => `
  SELECT ${STATUS(status)} AS status, 0 AS branch, id FROM (SELECT id FROM members
    WHERE org_id = ?1 AND status = ${STATUS(status)} AND sort_name >= ?2 AND sort_name < ?3 LIMIT ?7)
  UNION ALL SELECT ${STATUS(status)}, 1, id FROM (SELECT id FROM members
    WHERE org_id = ?1 AND email_norm >= ?2 AND email_norm < ?3 AND +status = ${STATUS(status)} LIMIT ?7)
  UNION ALL SELECT ${STATUS(status)}, 2, member_id FROM (SELECT member_id FROM member_name_words
    WHERE org_id = ?1 AND ${phrase ? `word = ?4 AND instr(' ' || ${spacedSortName}, ' ' || ?6) > 0` : "word >= ?4 AND word < ?5"} AND status = ${STATUS(status)} LIMIT ?7)`,
    )
    .join("\n  UNION ALL");
/** Counted in SQL (three rows back, not thousands of ids): distinct people per status, and how
 *  many each range gave, to tell whether one reached the limit. */
const countingSql = (phrase: boolean) => `SELECT status, count(DISTINCT id) AS people,
  max(sum(branch = 0), sum(branch = 1), sum(branch = 2)) AS widest FROM (${countSql(phrase)}) GROUP BY status`;

const COUNT_BY_WORD = countingSql(false);
const COUNT_BY_PHRASE = countingSql(true);

/** How many members a later word of the name starting with ?2 finds, up to ?3, from its index. */
const WORD_RANGE_SIZE = `SELECT count(*) AS members FROM (SELECT 1 FROM member_name_words WHERE org_id = ?1 AND word >= ?2 AND word < ?2 || char(1114111) LIMIT ?3)`;

export type MatchCount = { status: MemberStatus; people: number; widest: number };

export const statements = {
  COUNT_BY_WORD: { sql: COUNT_BY_WORD, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  COUNT_BY_PHRASE: { sql: COUNT_BY_PHRASE, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  WORD_RANGE_SIZE: { sql: WORD_RANGE_SIZE, columns: ["members"] },
};

export type MatchTerms = { q: string; qEnd: string; word: string | undefined; wordEnd: string | undefined; phrase: string | undefined };

/** Per status with matches: the distinct people found (up to `limit` + 1 per range) and the most any one range found. */
export async function countMemberMatches(db: Db, orgId: string, terms: MatchTerms, limit: number): Promise<MatchCount[]> {
  const result = await readStatement(db, {
    sql: terms.phrase ? COUNT_BY_PHRASE : COUNT_BY_WORD,
    args: [orgId, terms.q, terms.qEnd, terms.word ?? null, terms.wordEnd ?? null, terms.phrase ?? null, limit + 1],
  });
  return result.rows as unknown as MatchCount[];
}

/** How many members have a later word of the name that starts with `word`, counted up to `limit`. */
export async function countWordRange(db: Db, orgId: string, word: string, limit: number): Promise<number> {
  const result = await readStatement(db, { sql: WORD_RANGE_SIZE, args: [orgId, word, limit] });
  return Number(result.rows[0]!.members);
}
