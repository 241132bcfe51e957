// "Did you mean …" for the rows of a chunk that are not in the directory: the address with a
// near-miss domain of the organization's corrected, or a directory address on the same domain
// within an edit or two (import-typos.ts). Only addresses of enabled, current people are offered.
import type { Db } from "../db/client.js";
import { suggestDomainFix } from "./addresses.js";
import type { ValidationContext, ValidationJob } from "./import-validation.js";
import { TypoIndex } from "./import-typos.js";

/** Which of these addresses belong to an enabled, current person (suggestions must). */
async function findEnabledAddresses(db: Db, orgId: string, norms: string[]): Promise<Set<string>> {
  if (norms.length === 0) return new Set();
  const result = await db.$client.execute({
    sql: `SELECT p.mail_norm, p.upn_norm FROM json_each(?2) AS j
          JOIN directory_people p ON p.rowid = COALESCE(
            (SELECT rowid FROM directory_people WHERE org_id = ?1 AND mail_norm = j.value LIMIT 1),
            (SELECT rowid FROM directory_people WHERE org_id = ?1 AND upn_norm = j.value LIMIT 1))
          WHERE p.removed_at IS NULL AND p.account_enabled = 1`,
    args: [orgId, JSON.stringify(norms)],
  });
  return new Set(result.rows.flatMap((r) => [r[0] as string | null, r[1] as string | null]).filter((v): v is string => !!v));
}

/**
 * "Did you mean": the address with a near-miss domain of the organization's corrected, or a
 * directory address on the same domain within an edit or two. Only addresses of enabled, current
 * people are suggested.
 */
export async function suggestAddresses(db: Db, job: ValidationJob, context: ValidationContext, norms: string[]): Promise<Map<string, string>> {
  const candidates = new Map<string, string[]>();
  for (const norm of norms) {
    const at = norm.lastIndexOf("@");
    const local = norm.slice(0, at);
    const fix = suggestDomainFix(norm.slice(at + 1), context.orgDomains);
    const domain = fix ?? norm.slice(at + 1);
    const options = fix ? [`${local}@${fix}`] : [];
    if (context.orgDomains.length === 0 || context.orgDomains.includes(domain)) {
      context.typos ??= await TypoIndex.load(db, job.orgId);
      const near = context.typos.suggest(local, domain);
      if (near) options.push(near);
    }
    if (options.length > 0) candidates.set(norm, options);
  }
  const enabled = await findEnabledAddresses(db, job.orgId, [...new Set([...candidates.values()].flat())]);
  const suggestions = new Map<string, string>();
  for (const [norm, options] of candidates) {
    const usable = options.find((option) => enabled.has(option));
    if (usable) suggestions.set(norm, usable);
  }
  return suggestions;
}
