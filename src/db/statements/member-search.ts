// The Users search's counts per status: the first LIMIT+1 matches of each source (sort name,
// address, a later word of the name), each read from an index in order, counted in SQL.
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

type CountShape = { phrase: boolean; oneLetter: boolean; narrowWords: boolean };

/** The address branch: a prefix range of members_org_email_sort (`+status`: the index holds the
 *  status; the (org, status) index would walk the status), or for one letter the addresses whose
 *  first letter is not the name's (members_org_address_initial; the name's range has the others). */
const addressBranch = (shape: CountShape, status: string) =>
  shape.oneLetter
    ? `WHERE org_id = ?1 AND substr(email_norm, 1, 1) = ?2 AND status = ${STATUS(status)} AND substr(email_norm, 1, 1) <> substr(sort_name, 1, 1) LIMIT ?7`
    : `WHERE org_id = ?1 AND email_norm >= ?2 AND email_norm < ?3 AND +status = ${STATUS(status)} LIMIT ?7`;

/** The words branch: a word that starts with ?4 (a phrase: is ?4, and the name holds the phrase
 *  ?6). A narrow word reads its range (member_name_words_word, `+status`); a broad one its first
 *  letter's (?8) words in that status (the key; `+word`: not the word's index). */
const wordBranch = (shape: CountShape, status: string) => {
  const word = shape.narrowWords ? "word" : "+word";
  const match = shape.phrase ? `${word} = ?4 AND instr(' ' || ${spacedSortName}, ' ' || ?6) > 0` : `${word} >= ?4 AND ${word} < ?5`;
  return shape.narrowWords
    ? `WHERE org_id = ?1 AND ${match} AND +status = ${STATUS(status)}`
    : `WHERE org_id = ?1 AND initial = ?8 AND status = ${STATUS(status)} AND ${match}`;
};

/** Per status, the first LIMIT+1 matches of each source; a member with two matching words is one match. */
const countSql = (shape: CountShape) =>
  memberStatuses
    .map(
      (status) => `
  SELECT ${STATUS(status)} AS status, 0 AS branch, id FROM (SELECT id FROM members
    WHERE org_id = ?1 AND status = ${STATUS(status)} AND sort_name >= ?2 AND sort_name < ?3 LIMIT ?7)
  UNION ALL SELECT ${STATUS(status)}, 1, id FROM (SELECT id FROM members ${addressBranch(shape, status)})
  UNION ALL SELECT ${STATUS(status)}, 2, member_id FROM (SELECT member_id FROM member_name_words
    ${wordBranch(shape, status)} GROUP BY sort_name, member_id LIMIT ?7)`,
    )
    .join("\n  UNION ALL");
/** Counted in SQL (three rows back, not thousands of ids): distinct people per status, and how
 *  many each source gave, to tell whether one reached the limit. */
const countingSql = (shape: CountShape) => `SELECT status, count(DISTINCT id) AS people,
  max(sum(branch = 0), sum(branch = 1), sum(branch = 2)) AS widest FROM (${countSql(shape)}) GROUP BY status`;

const COUNT_BY_WORD = countingSql({ phrase: false, oneLetter: false, narrowWords: false });
const COUNT_BY_PHRASE = countingSql({ phrase: true, oneLetter: false, narrowWords: false });
const COUNT_BY_NARROW_WORD = countingSql({ phrase: false, oneLetter: false, narrowWords: true });
const COUNT_BY_NARROW_PHRASE = countingSql({ phrase: true, oneLetter: false, narrowWords: true });
const COUNT_BY_LETTER = countingSql({ phrase: false, oneLetter: true, narrowWords: false });

/** How many later words of the organization's names start with ?2, counted up to ?3, from the word's index. */
const WORD_RANGE_SIZE = `SELECT count(*) AS words FROM (SELECT 1 FROM member_name_words WHERE org_id = ?1 AND word >= ?2 AND word < ?2 || char(1114111) LIMIT ?3)`;

export type MatchCount = { status: MemberStatus; people: number; widest: number };

export const statements = {
  COUNT_BY_WORD: { sql: COUNT_BY_WORD, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  COUNT_BY_PHRASE: { sql: COUNT_BY_PHRASE, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  COUNT_BY_NARROW_WORD: { sql: COUNT_BY_NARROW_WORD, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  COUNT_BY_NARROW_PHRASE: { sql: COUNT_BY_NARROW_PHRASE, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  COUNT_BY_LETTER: { sql: COUNT_BY_LETTER, columns: ["status", "people", "widest"] satisfies (keyof MatchCount)[] },
  WORD_RANGE_SIZE: { sql: WORD_RANGE_SIZE, columns: ["words"] },
};

export type MatchTerms = {
  /** The whole text: a prefix of the sort name or of the address. */
  q: string;
  qEnd: string;
  /** Its first word: a prefix of a later word of the name (the whole word when more words follow). */
  word: string | undefined;
  wordEnd: string | undefined;
  /** The word's first character: member_name_words is keyed by it. */
  wordInitial: string | undefined;
  /** Two or more words ("garcia lo"): the name must hold them in a row, the last as a prefix. */
  phrase: string | undefined;
  /** One letter (one code point): the broadest search; its addresses are read in name order. */
  oneLetter: boolean;
};

/** Per status with matches: the distinct people found (up to `limit` + 1 per source) and the most
 *  any one source found. `narrowWords`: the word's range is small (isNarrowWord), read it whole. */
export async function countMemberMatches(db: Db, orgId: string, terms: MatchTerms, limit: number, narrowWords: boolean): Promise<MatchCount[]> {
  const sql = terms.oneLetter
    ? COUNT_BY_LETTER
    : terms.phrase
      ? narrowWords
        ? COUNT_BY_NARROW_PHRASE
        : COUNT_BY_PHRASE
      : narrowWords
        ? COUNT_BY_NARROW_WORD
        : COUNT_BY_WORD;
  const result = await readStatement(db, {
    sql,
    args: [orgId, terms.q, terms.qEnd, terms.word ?? null, terms.wordEnd ?? null, terms.phrase ?? null, limit + 1, terms.wordInitial ?? null],
  });
  return result.rows as unknown as MatchCount[];
}

/** Whether fewer than `broadAt` later words of the organization's names start with `word` (counted
 *  up to that from the word's index): then its range is read whole and sorted, instead of its
 *  first letter's words in name order. */
export async function isNarrowWord(db: Db, orgId: string, word: string, broadAt: number): Promise<boolean> {
  const result = await readStatement(db, { sql: WORD_RANGE_SIZE, args: [orgId, word, broadAt] });
  return Number(result.rows[0]!.words) < broadAt;
}
