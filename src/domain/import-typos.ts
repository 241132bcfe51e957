// "Did you mean …": the one directory person a mistyped local part was meant to be. Only a single
// clear typo counts: one letter transposed, missing, doubled or substituted (edit distance 1),
// never a change of digits (aaliyah.hall3 is not aaliyah.hall2), and only when exactly one person
// is that close. Two people one edit away, or a search that had to stop early, answer nothing.
//
// The search finds every address one edit away: for a local part of L >= 5 characters, one edit
// leaves its first k or its last k characters intact (k = floor((L - 1) / 2)), so each such
// address starts with the first k characters or ends with the last k. Prefixes: a binary search
// in the sorted addresses. Suffixes: buckets by the last two characters of the local part and the
// domain, each sorted (reversed) the first time it is searched. Built once per validation job
// from the mail and UPN indexes alone: each address with its row id, which names the person.
import { boundedEditDistance } from "./addresses.js";
import type { Db } from "../db/client.js";
import { readDirectoryAddresses } from "../db/statements/import-validation.js";
import { yieldToEventLoop } from "../event-loop.js";

const PAGE = 10_000;
/** Candidates scanned per direction; past this the search gives up rather than guess. */
const MAX_CANDIDATES = 5000;
/** Shorter local parts are too close to too many others to be sure of anyone. */
export const MIN_TYPO_LOCAL = 5;
/** An address that belongs to more than one person. */
const SHARED = -1;

export type TypoMatch = { address: string; person: number };

const reverse = (s: string) => s.split("").reverse().join("");
const DIGIT = /\p{Nd}/u;

/** First index in sorted `list` not below `key`. */
function lowerBound(list: readonly string[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `visit` with each entry of sorted `list` starting with `prefix`, in order; false when
 * there were more than MAX_CANDIDATES (the caller then cannot be sure it saw them all).
 */
function eachStartingWith(sorted: readonly string[], prefix: string, visit: (entry: string) => void): boolean {
  for (let i = lowerBound(sorted, prefix), seen = 0; i < sorted.length && sorted[i]!.startsWith(prefix); i++) {
    if (++seen > MAX_CANDIDATES) return false;
    visit(sorted[i]!);
  }
  return true;
}

/** The one edit between `a` and `b` (distance 1) touches a digit: the parts that differ hold one. */
export function editTouchesDigit(a: string, b: string): boolean {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return DIGIT.test(a.slice(start, endA)) || DIGIT.test(b.slice(start, endB));
}

export class TypoIndex {
  /** Every directory address (mail and UPN), sorted, without repeats. */
  #sorted: string[];
  /** Address -> the row id of its person, or SHARED. */
  #personOf: Map<string, number>;
  /** "xy@domain" (last two characters of the local part and the domain) -> reversed local parts, sorted on first use. */
  #buckets: Map<string, string[]> | null = null;
  #sortedBuckets = new Set<string>();

  private constructor(personOf: Map<string, number>) {
    this.#personOf = personOf;
    this.#sorted = [...personOf.keys()].sort();
  }

  /** Tests: addresses with the person each belongs to. */
  static fromEntries(entries: Iterable<readonly [string, number]>): TypoIndex {
    const personOf = new Map<string, number>();
    for (const [address, person] of entries) add(personOf, address, person);
    return new TypoIndex(personOf);
  }

  /** Every mail and UPN in the organization's directory, whatever the person's state, read from the two indexes in order. */
  static async load(db: Db, orgId: string): Promise<TypoIndex> {
    const personOf = new Map<string, number>();
    for (const column of ["mail_norm", "upn_norm"] as const) {
      let after: [string, number] = ["", 0];
      for (;;) {
        // One string per page: libsql's per-row objects would cost more than the index scan.
        const page = await readDirectoryAddresses(db, orgId, column, after, PAGE);
        const joined = page.lines;
        if (!joined) break;
        let last: [string, number] = after;
        for (const line of joined.split("\n")) {
          const tab = line.lastIndexOf("\t");
          last = [line.slice(0, tab), Number(line.slice(tab + 1))];
          add(personOf, last[0], last[1]);
        }
        if (page.count < PAGE) break;
        after = last;
        await yieldToEventLoop();
      }
    }
    return new TypoIndex(personOf);
  }

  #bucket(key: string): string[] {
    if (!this.#buckets) {
      this.#buckets = new Map();
      for (const address of this.#sorted) {
        const at = address.lastIndexOf("@");
        if (at < 2) continue;
        const k = address.slice(at - 2);
        const bucket = this.#buckets.get(k);
        if (bucket) bucket.push(address);
        else this.#buckets.set(k, [address]);
      }
    }
    const bucket = this.#buckets.get(key);
    if (!bucket) return [];
    if (!this.#sortedBuckets.has(key)) {
      const reversed = bucket.map((address) => reverse(address.slice(0, address.lastIndexOf("@")))).sort();
      this.#buckets.set(key, reversed);
      this.#sortedBuckets.add(key);
      return reversed;
    }
    return bucket;
  }

  /**
   * The directory address on `domain` that `local` is a single clear typo of, with its person;
   * null when there is none, when two people are as close, or when the edit changes a digit.
   */
  suggest(local: string, domain: string): TypoMatch | null {
    if (local.length < MIN_TYPO_LOCAL) return null;
    const k = Math.floor((local.length - 1) / 2);
    const at = `@${domain}`;
    const near = new Map<string, number>();
    // One edit away: at most one character longer or shorter, then the distance itself.
    const consider = (candidate: string) => {
      if (boundedEditDistance(local, candidate, 1) === 1) near.set(candidate + at, this.#personOf.get(candidate + at) ?? SHARED);
    };
    const [shortest, longest] = [local.length - 1 + at.length, local.length + 1 + at.length];
    const complete =
      eachStartingWith(this.#sorted, local.slice(0, k), (address) => {
        if (address.length >= shortest && address.length <= longest && address.endsWith(at)) consider(address.slice(0, address.length - at.length));
      }) &&
      eachStartingWith(this.#bucket(local.slice(-2) + at), reverse(local).slice(0, k), (reversed) => {
        if (Math.abs(reversed.length - local.length) <= 1) consider(reverse(reversed));
      });
    if (!complete) return null;
    const people = new Set(near.values());
    if (people.size !== 1 || people.has(SHARED)) return null;
    const [[address, person]] = [...near] as [[string, number]];
    return editTouchesDigit(local, address.slice(0, address.length - at.length)) ? null : { address, person };
  }
}

function add(personOf: Map<string, number>, address: string, person: number) {
  const held = personOf.get(address);
  personOf.set(address, held === undefined || held === person ? person : SHARED);
}
