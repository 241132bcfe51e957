// "Did you mean …": finding the directory address a mistyped one was meant to be. An address
// within 1 or 2 edits of another keeps its first third or its last third intact (two edits
// touch at most two of the three), so the candidates are the directory addresses on the same
// domain sharing that prefix or that suffix, then the bounded edit distance picks the closest.
// Prefixes: a binary search in the addresses as the mail and UPN indexes sort them. Suffixes:
// buckets by the last two characters of the local part, each sorted (reversed) the first time it
// is searched. Built once per validation job from the two indexes alone (no table reads), one
// string per few thousand addresses; the caller checks that a suggestion belongs to an enabled,
// current person.
import { boundedEditDistance } from "./addresses.js";
import type { Db } from "../db/client.js";
import { yieldToEventLoop } from "../event-loop.js";

const PAGE = 10_000;
const MAX_CANDIDATES = 1000;

const reverse = (s: string) => s.split("").reverse().join("");

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

function* startingWith(sorted: readonly string[], prefix: string): Generator<string> {
  for (let i = lowerBound(sorted, prefix), seen = 0; i < sorted.length && seen < MAX_CANDIDATES; i++, seen++) {
    if (!sorted[i]!.startsWith(prefix)) return;
    yield sorted[i]!;
  }
}

/** One sorted list without repeats from two (mail and UPN are mostly the same addresses). */
function mergeSorted(a: string[], b: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

export class TypoIndex {
  /** Sorted lists of full addresses (one per source: mail, UPN). */
  #sorted: string[][];
  /** "xy@domain" (last two characters of the local part and the domain) -> reversed local parts, sorted on first use. */
  #buckets: Map<string, string[]> | null = null;
  #sortedBuckets = new Set<string>();

  private constructor(sorted: string[][]) {
    this.#sorted = sorted;
  }

  static fromAddresses(addresses: Iterable<string>): TypoIndex {
    return new TypoIndex([[...new Set(addresses)].sort()]);
  }

  /** Every mail and UPN in the organization's directory, read from the two indexes in order. */
  static async load(db: Db, orgId: string): Promise<TypoIndex> {
    const lists: string[][] = [];
    for (const column of ["mail_norm", "upn_norm"] as const) {
      const list: string[] = [];
      let after = "";
      for (;;) {
        // One string per page: libsql's per-row objects would cost more than the index scan.
        const page = await db.$client.execute({
          sql: `SELECT group_concat(${column}, char(10)), count(*), max(${column}) FROM (
                  SELECT ${column} FROM directory_people WHERE org_id = ? AND ${column} > ? ORDER BY ${column} LIMIT ${PAGE})`,
          args: [orgId, after],
        });
        const row = page.rows[0]!;
        const joined = row[0] as string | null;
        const count = Number(row[1]);
        if (joined) for (const address of joined.split("\n")) list.push(address);
        if (count < PAGE || row[2] === null) break;
        after = row[2] as string;
        await yieldToEventLoop();
      }
      // group_concat keeps the subquery's order in practice; sorting a sorted list is cheap insurance.
      lists.push(list.sort());
    }
    return new TypoIndex([mergeSorted(lists[0]!, lists[1]!)]);
  }

  #bucket(key: string): string[] {
    if (!this.#buckets) {
      this.#buckets = new Map();
      for (const list of this.#sorted) {
        for (const address of list) {
          const at = address.lastIndexOf("@");
          if (at < 2) continue;
          const k = address.slice(at - 2);
          const bucket = this.#buckets.get(k);
          if (bucket) bucket.push(address);
          else this.#buckets.set(k, [address]);
        }
      }
    }
    const bucket = this.#buckets.get(key);
    if (!bucket) return [];
    if (!this.#sortedBuckets.has(key)) {
      const reversed = [...new Set(bucket.map((address) => reverse(address.slice(0, address.lastIndexOf("@")))))].sort();
      this.#buckets.set(key, reversed);
      this.#sortedBuckets.add(key);
      return reversed;
    }
    return bucket;
  }

  /** The closest directory address on `domain` within 1 edit (2 for local parts of 6+ characters), or null. */
  suggest(local: string, domain: string): string | null {
    if (local.length < 2) return null;
    const max = local.length < 6 ? 1 : 2;
    const keyLength = Math.max(2, Math.floor(local.length / 3));
    // The first candidate at the smallest distance wins; candidates come in sorted order, so the
    // same file always gets the same suggestion, and one edit away is as close as it gets.
    const found = { best: "", distance: max + 1 };
    const consider = (candidate: string): boolean => {
      if (Math.abs(candidate.length - local.length) >= found.distance) return false;
      const distance = boundedEditDistance(local, candidate, found.distance - 1);
      if (distance > 0 && distance < found.distance) {
        found.best = candidate;
        found.distance = distance;
      }
      return found.distance === 1;
    };
    const at = `@${domain}`;
    search: {
      for (const list of this.#sorted) {
        for (const address of startingWith(list, local.slice(0, keyLength))) {
          if (address.endsWith(at) && consider(address.slice(0, address.length - at.length))) break search;
        }
      }
      const reversed = reverse(local);
      for (const candidate of startingWith(this.#bucket(local.slice(-2) + at), reversed.slice(0, keyLength))) {
        if (consider(reverse(candidate))) break search;
      }
    }
    return found.distance <= max ? `${found.best}@${domain}` : null;
  }
}
