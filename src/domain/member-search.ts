// The Users search: a member matches when the text starts their sort name, any later word of it
// (member_name_words, kept by triggers), or their address. Each is one index range; the page
// query (members.ts) takes the first page of each and orders their union, and the counts per
// status for a search read the same three ranges from covering indexes.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { memberNameWords, type MemberStatus } from "../db/schema.js";
import { countMemberMatches, NAME_SEPARATORS, spacedSortName } from "../db/statements/member-search.js";
import type { MemberCounts } from "./member-counts.js";
import { normalizeAddress } from "./addresses.js";

/** Upper bound of a prefix range: every string starting with `prefix` sorts below it. */
export const prefixEnd = (prefix: string) => prefix + "\u{10FFFF}";

export type SearchTerms = {
  /** The whole text: a prefix of the sort name or of the address. */
  q: string;
  qEnd: string;
  /** Its first word: a prefix of a later word of the name (the whole word when more words follow). */
  word: string | undefined;
  wordEnd: string | undefined;
  /** Two or more words ("garcia lo"): the name must hold them in a row, the last as a prefix. */
  phrase: string | undefined;
};

const SEPARATOR = new RegExp(`[${NAME_SEPARATORS.replace(/[-\\\]^]/g, "\\$&")}]+`);

/** The search text in the one normal form (normalizeAddress: invisible characters, trim, NFC, case), and its words. */
export function searchTermsOf(text: string | undefined): SearchTerms | undefined {
  const q = text === undefined ? undefined : normalizeAddress(text);
  if (!q) return undefined;
  const words = q.split(SEPARATOR).filter(Boolean);
  const word = words[0];
  return { q, qEnd: prefixEnd(q), word, wordEnd: word && prefixEnd(word), phrase: words.length > 1 ? words.join(" ") : undefined };
}

const P = {
  org: sql.placeholder("org"),
  status: sql.placeholder("status"),
  q: sql.placeholder("q"),
  qEnd: sql.placeholder("qEnd"),
  word: sql.placeholder("word"),
  wordEnd: sql.placeholder("wordEnd"),
  phrase: sql.placeholder("phrase"),
};
export const searchPlaceholders = P;

/** Members whose later name words match (a phrase: the first word whole, the rest in the name). */
export function wordMatch(shape: { phrase: boolean }): SQL {
  const range = shape.phrase ? sql`${memberNameWords.word} = ${P.word}` : sql`${memberNameWords.word} >= ${P.word} AND ${memberNameWords.word} < ${P.wordEnd}`;
  return shape.phrase ? sql`${range} AND instr(' ' || ${sql.raw(spacedSortName)}, ' ' || ${P.phrase}) > 0` : range;
}

/** A search counts at most this many matches in each status; past it the tab says "100+". The
 *  work grows with the limit, not with the organization: a short search in a big one stays cheap. */
export const SEARCH_COUNT_LIMIT = 100;

/** How many members match the search in each status, up to SEARCH_COUNT_LIMIT (then `atLeast`):
 *  a person found by several ranges is counted once; when a range has more than the limit, so
 *  has the status. Bounded work however short the text. */
export async function countMatchingMembers(db: Db, orgId: string, text: string): Promise<MemberCounts> {
  const terms = searchTermsOf(text);
  const counts: MemberCounts = { all: 0, invited: 0, active: 0, archived: 0 };
  if (!terms) return counts;
  const over = new Set<MemberStatus>();
  for (const row of await countMemberMatches(db, orgId, terms, SEARCH_COUNT_LIMIT)) {
    if (row.widest > SEARCH_COUNT_LIMIT) over.add(row.status);
    counts[row.status] = over.has(row.status) ? SEARCH_COUNT_LIMIT : row.people;
    counts.all += counts[row.status];
  }
  if (over.size > 0) counts.atLeast = Object.fromEntries([...over, "all"].map((k) => [k, true]));
  return counts;
}
