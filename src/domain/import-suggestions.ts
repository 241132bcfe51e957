// "Did you mean …" for the rows of a chunk that are not in the directory, resolved to one person.
// First the domain: a near miss of one of the organization's domains is corrected, and if the
// corrected address is in the directory, in any state, that person is the answer (their own
// outcome then applies: disabled, already invited …). Otherwise, on one of the organization's
// domains, a single clear typo of one person's address (import-typos.ts). A near-miss domain
// and a mistyped local part together are two typos, not one: no suggestion.
import type { Db } from "../db/client.js";
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

type Found = [key: string | number, id: string, name: string, enabled: number, removed: number, member: TypoPerson["memberStatus"]];

const selectPeople = (join: string, param: string) => `
  SELECT j.value AS k, p.id AS id, p.display_name AS name, p.account_enabled AS enabled, p.removed_at IS NOT NULL AS removed,
    (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = ?1 ORDER BY m.status = 'archived' LIMIT 1) AS member
  FROM json_each(${param}) j JOIN directory_people p ON ${join}`;

/** Directory people by address (mail or UPN, any state) and by row id, with their membership (a live one before an archived one). */
async function findPeople(db: Db, orgId: string, addresses: string[], rowids: number[]): Promise<Found[]> {
  if (addresses.length === 0 && rowids.length === 0) return [];
  const found = await db.$client.execute({
    sql: `SELECT json_group_array(json_array(k, id, name, enabled, removed, member)) FROM (
            ${selectPeople("p.org_id = ?1 AND p.mail_norm = j.value", "?2")}
            UNION ALL ${selectPeople("p.org_id = ?1 AND p.upn_norm = j.value", "?2")}
            UNION ALL ${selectPeople("p.rowid = j.value AND p.org_id = ?1", "?3")})`,
    args: [orgId, JSON.stringify(addresses), JSON.stringify(rowids)],
  });
  return JSON.parse(String(found.rows[0]?.[0] ?? "[]")) as Found[];
}

const toPerson = (address: string, [, personId, name, enabled, removed, memberStatus]: Found): TypoPerson =>
  ({ address, personId, name, enabled: enabled === 1, removed: removed === 1, memberStatus });

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
      domainFixes.set(norm, near.map((d) => `${local}@${d}`));
    } else if (context.orgDomains.length === 0 || context.orgDomains.includes(domain)) {
      context.typos ??= await TypoIndex.load(db, job.orgId);
      const match = context.typos.suggest(local, domain);
      if (match) localFixes.set(norm, match);
    }
  }
  const found = await findPeople(db, job.orgId, [...new Set([...domainFixes.values()].flat())], [...new Set([...localFixes.values()].map((m) => m.person))]);
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
