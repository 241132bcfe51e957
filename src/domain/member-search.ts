// The Users search: a member matches when the text starts their sort name, any later word of it
// (member_name_words, kept by triggers), or their address. Each source gives its first page in
// name order from the cursor (members.ts): the name's range; a narrow word's range, sorted, or a
// broad word's first letter's words per status, in name order (that table's key); the address
// range, sorted from its covering index, or for one letter (whose addresses are a large part of
// the list) per status the addresses whose first letter is not the name's, in name order (the
// name's range has the others). The counts per status read the first LIMIT+1 of the same sources.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { memberNameWords, type MemberStatus } from "../db/schema.js";
import { countMemberMatches, isNarrowWord, type MatchTerms, NAME_SEPARATORS, spacedSortName } from "../db/statements/member-search.js";
import type { MemberCounts } from "./member-counts.js";
import { normalizeAddress } from "./addresses.js";

/** Upper bound of a prefix range: every string starting with `prefix` sorts below it. */
export const prefixEnd = (prefix: string) => prefix + "\u{10FFFF}";

/** A search's terms, as the statements take them. */
export type SearchTerms = MatchTerms;

const SEPARATOR = new RegExp(`[${NAME_SEPARATORS.replace(/[-\\\]^]/g, "\\$&")}]+`);

/** The search text in the one normal form (normalizeAddress: invisible characters, trim, NFC, case), and its words. */
export function searchTermsOf(text: string | undefined): SearchTerms | undefined {
  const q = text === undefined ? undefined : normalizeAddress(text);
  if (!q) return undefined;
  const words = q.split(SEPARATOR).filter(Boolean);
  const word = words[0];
  const phrase = words.length > 1 ? words.join(" ") : undefined;
  return {
    q,
    qEnd: prefixEnd(q),
    word,
    wordEnd: word && prefixEnd(word),
    wordInitial: word && [...word][0],
    phrase,
    oneLetter: [...q].length === 1,
  };
}

const P = {
  org: sql.placeholder("org"),
  status: sql.placeholder("status"),
  q: sql.placeholder("q"),
  qEnd: sql.placeholder("qEnd"),
  word: sql.placeholder("word"),
  wordEnd: sql.placeholder("wordEnd"),
  wordInitial: sql.placeholder("wordInitial"),
  phrase: sql.placeholder("phrase"),
};
export const searchPlaceholders = P;

/** Members whose later name words match (a phrase: the first word whole, the rest in the name).
 *  `byInitial`: read by the first letter's key, so the word's own index must not be used (`+`). */
export function wordMatch(shape: { phrase: boolean }, options: { byInitial?: boolean } = {}): SQL {
  const word = options.byInitial ? sql`+${memberNameWords.word}` : sql`${memberNameWords.word}`;
  const range = shape.phrase ? sql`${word} = ${P.word}` : sql`${word} >= ${P.word} AND ${word} < ${P.wordEnd}`;
  return shape.phrase ? sql`${range} AND instr(' ' || ${sql.raw(spacedSortName)}, ' ' || ${P.phrase}) > 0` : range;
}

/** A word that starts fewer later words of the organization's names than this is narrow: its
 *  range is read whole and sorted by name. A broader one reads its first letter's words in name
 *  order (member_name_words' key), a page at a time, instead of sorting thousands. */
export const BROAD_WORD_AT = 500;

/** How a search reads a word; another bound than BROAD_WORD_AT is for tests of both ways. */
export type SearchTuning = { broadWordAt?: number };

/** Whether the search's word is narrow (BROAD_WORD_AT). One letter is always broad. */
export async function hasNarrowWord(db: Db, orgId: string, terms: SearchTerms, tuning: SearchTuning = {}): Promise<boolean> {
  return terms.word !== undefined && !terms.oneLetter && (await isNarrowWord(db, orgId, terms.word, tuning.broadWordAt ?? BROAD_WORD_AT));
}

/** A search counts at most this many matches in each status; past it the tab says "100+". The
 *  work grows with the limit, not with the organization: a short search in a big one stays cheap. */
export const SEARCH_COUNT_LIMIT = 100;

/** How many members match the search in each status, up to SEARCH_COUNT_LIMIT (then `atLeast`):
 *  a person found by several ranges is counted once; when a range has more than the limit, so
 *  has the status. Bounded work however short the text. */
export async function countMatchingMembers(db: Db, orgId: string, text: string, tuning: SearchTuning = {}): Promise<MemberCounts> {
  const terms = searchTermsOf(text);
  const counts: MemberCounts = { all: 0, invited: 0, active: 0, archived: 0 };
  if (!terms) return counts;
  const over = new Set<MemberStatus>();
  for (const row of await countMemberMatches(db, orgId, terms, SEARCH_COUNT_LIMIT, await hasNarrowWord(db, orgId, terms, tuning))) {
    if (row.people === null) over.add(row.status);
    counts[row.status] = row.people ?? SEARCH_COUNT_LIMIT;
    counts.all += counts[row.status];
  }
  if (over.size > 0) counts.atLeast = Object.fromEntries([...over, "all"].map((k) => [k, true]));
  return counts;
}
