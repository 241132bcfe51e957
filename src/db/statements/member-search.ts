// The Users search's counts per status, from three sources (sort name, address, a later word of
// the name), each read from an index in order: whether one source alone has more than LIMIT
// matches (its first LIMIT+1 read), else the distinct people of the three, counted in SQL.
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
    ? `WHERE org_id = ?1 AND substr(email_norm, 1, 1) = ?2 AND status = ${STATUS(status)} AND substr(email_norm, 1, 1) <> substr(sort_name, 1, 1)`
    : `WHERE org_id = ?1 AND email_norm >= ?2 AND email_norm < ?3 AND +status = ${STATUS(status)}`;

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

/** One status's sources of matches: the sort name's range, the address, a later word (a member
 *  with two matching words is one match). */
const sourcesOf = (shape: CountShape, status: string) => [
  `SELECT id FROM members WHERE org_id = ?1 AND status = ${STATUS(status)} AND sort_name >= ?2 AND sort_name < ?3`,
  `SELECT id FROM members ${addressBranch(shape, status)}`,
  `SELECT member_id FROM member_name_words ${wordBranch(shape, status)} GROUP BY sort_name, member_id`,
];

/** A row per status: people is null when one source alone has more than the limit (?7 is the
 *  limit + 1: a source has more when its first ?7 are there), else the distinct people of the
 *  three. The name's range is counted first, alone: when it has more (a broad search), nothing
 *  else is read and nothing is sorted; otherwise the first ?7 of each source are read once, tagged
 *  by source, and counted. */
const countingSql = (shape: CountShape) =>
  memberStatuses
    .map((status) => {
      const [byName, byAddress, byWord] = sourcesOf(shape, status);
      return `SELECT ${STATUS(status)} AS status, CASE WHEN (SELECT count(*) FROM (${byName} LIMIT ?7)) = ?7 THEN NULL ELSE (
    SELECT CASE WHEN max(sum(branch = 0), sum(branch = 1), sum(branch = 2)) = ?7 THEN NULL ELSE count(DISTINCT id) END FROM (
      SELECT 0 AS branch, id FROM (${byName} LIMIT ?7)
      UNION ALL SELECT 1, id FROM (${byAddress} LIMIT ?7)
      UNION ALL SELECT 2, member_id FROM (${byWord} LIMIT ?7))) END AS people`;
    })
    .join("\nUNION ALL ");

const COUNT_BY_WORD = countingSql({ phrase: false, oneLetter: false, narrowWords: false });
const COUNT_BY_PHRASE = countingSql({ phrase: true, oneLetter: false, narrowWords: false });
const COUNT_BY_NARROW_WORD = countingSql({ phrase: false, oneLetter: false, narrowWords: true });
const COUNT_BY_NARROW_PHRASE = countingSql({ phrase: true, oneLetter: false, narrowWords: true });
const COUNT_BY_LETTER = countingSql({ phrase: false, oneLetter: true, narrowWords: false });

/** How many later words of the organization's names start with ?2, counted up to ?3, from the word's index. */
const WORD_RANGE_SIZE = `SELECT count(*) AS words FROM (SELECT 1 FROM member_name_words WHERE org_id = ?1 AND word >= ?2 AND word < ?2 || char(1114111) LIMIT ?3)`;

/** people: null when one source alone has more than the limit (so has the status). */
export type MatchCount = { status: MemberStatus; people: number | null };

export const statements = {
  COUNT_BY_WORD: { sql: COUNT_BY_WORD, columns: ["status", "people"] satisfies (keyof MatchCount)[] },
  COUNT_BY_PHRASE: { sql: COUNT_BY_PHRASE, columns: ["status", "people"] satisfies (keyof MatchCount)[] },
  COUNT_BY_NARROW_WORD: { sql: COUNT_BY_NARROW_WORD, columns: ["status", "people"] satisfies (keyof MatchCount)[] },
  COUNT_BY_NARROW_PHRASE: { sql: COUNT_BY_NARROW_PHRASE, columns: ["status", "people"] satisfies (keyof MatchCount)[] },
  COUNT_BY_LETTER: { sql: COUNT_BY_LETTER, columns: ["status", "people"] satisfies (keyof MatchCount)[] },
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

/** Per status: the distinct people found, or null when one source alone has more than `limit`.
 *  `narrowWords`: the word's range is small (isNarrowWord), read it whole. */
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
