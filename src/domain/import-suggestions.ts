// "Did you mean …" for the rows of a chunk that are not in the directory, resolved to one person.
// First the domain: a near miss of one of the organization's domains is corrected, and if the
// corrected address is in the directory, in any state, that person is the answer (their own
// outcome then applies: disabled, already invited …). Otherwise, on one of the organization's
// domains, a single clear typo of one person's address (import-typos.ts). A near-miss domain
// and a mistyped local part together are two typos, not one: no suggestion.
import type { Db } from "../db/client.js";
import { findTypoPeople, type TypoPersonRow } from "../db/statements/import-validation.js";
import { boundedEditDistance } from "./addresses.js";
import type { ValidationContext, ValidationJob } from "./import-validation-context.js";
import { TypoIndex } from "./import-typos.js";

/** The person a mistyped address was meant to be, as the directory and memberships stand now. */
export type TypoPerson = {
  /** The corrected address: what the admin meant to type. */
  address: string;
  personId: string;
  name: string;
  enabled: boolean;
  removed: boolean;
  memberStatus: "invited" | "active" | "archived" | null;
};

/**
 * The organization's domains nearest to `domain` (edit distance 1, or 2 for domains of 8+
 * characters: two edits turn ge.com into gm.co), all of them when several are as near. Empty
 * when `domain` is one of them or none is near.
 */
export function nearestDomains(domain: string, orgDomains: readonly string[]): string[] {
  const max = domain.length < 8 ? 1 : 2;
  let best: string[] = [];
  let bestDistance = max + 1;
  for (const known of orgDomains) {
    if (known === domain) return [];
    const distance = boundedEditDistance(domain, known, max);
    if (distance < bestDistance) [best, bestDistance] = [[known], distance];
    else if (distance === bestDistance && distance <= max) best.push(known);
  }
  return best;
}

type Found = TypoPersonRow;

const toPerson = (address: string, [, personId, name, enabled, removed, memberStatus]: Found): TypoPerson => ({
  address,
  personId,
  name,
  enabled: enabled === 1,
  removed: removed === 1,
  memberStatus,
});

/** Two entries with one address (someone left, a new hire got it): the current one, as inviting picks. */
const score = (f: Found) => (f[4] === 1 ? 0 : 2) + (f[3] === 1 ? 1 : 0);

/** The person each of these addresses (not in the directory as given) was meant to be; absent when none is certain. */
export async function resolveTypos(db: Db, job: ValidationJob, context: ValidationContext, norms: string[]): Promise<Map<string, TypoPerson>> {
  const domainFixes = new Map<string, string[]>();
  const localFixes = new Map<string, { address: string; person: number }>();
  for (const norm of norms) {
    const at = norm.lastIndexOf("@");
    const local = norm.slice(0, at);
    const domain = norm.slice(at + 1);
    const near = nearestDomains(domain, context.orgDomains);
    if (near.length > 0) {
      domainFixes.set(
        norm,
        near.map((d) => `${local}@${d}`),
      );
    } else if (context.orgDomains.length === 0 || context.orgDomains.includes(domain)) {
      context.typos ??= await TypoIndex.load(db, job.orgId);
      const match = context.typos.suggest(local, domain);
      if (match) localFixes.set(norm, match);
    }
  }
  const found = await findTypoPeople(
    db,
    job.orgId,
    [...new Set([...domainFixes.values()].flat())],
    [...new Set([...localFixes.values()].map((m) => m.person))],
  );
  const byKey = new Map<string | number, Found[]>();
  for (const f of found) byKey.set(f[0], [...(byKey.get(f[0]) ?? []), f]);

  const resolved = new Map<string, TypoPerson>();
  for (const [norm, options] of domainFixes) {
    const hits = options.flatMap((address) => (byKey.get(address) ?? []).map((f) => [address, f] as const));
    // Corrected addresses on two of the organization's domains naming two people: not certain.
    if (new Set(hits.map(([address]) => address)).size !== 1) continue;
    const [address, best] = hits.reduce((a, b) => (score(b[1]) > score(a[1]) ? b : a));
    resolved.set(norm, toPerson(address, best));
  }
  for (const [norm, match] of localFixes) {
    const f = byKey.get(match.person)?.[0];
    if (f) resolved.set(norm, toPerson(match.address, f));
  }
  return resolved;
}
