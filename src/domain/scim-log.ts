// The provisioning log of Settings → Provisioning: each organization's last changing or refused
// SCIM requests and what came of them. Bounded: writing one drops the organization's oldest
// beyond KEPT, in the same transaction as the request's own change.
import { desc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { scimRequests } from "../db/schema.js";
import { pickColumns } from "../db/columns.js";
import { newId } from "../ids.js";

export const KEPT_SCIM_REQUESTS = 50;

export type ScimRequestEntry = { orgId: string; method: string; path: string; status: number; outcome: string };
export type ScimRequestRow = { id: string; method: string; path: string; status: number; outcome: string; createdAt: Date };

export async function recordScimRequest(tx: Tx, entry: ScimRequestEntry): Promise<void> {
  await tx.insert(scimRequests).values({ id: newId(), ...entry, path: entry.path.slice(0, 200), outcome: entry.outcome.slice(0, 500) });
  // Older than the oldest row to keep (UUIDv7 ids sort by time): gone. One statement on the (org, id) index.
  await tx.run(sql`DELETE FROM scim_requests WHERE org_id = ${entry.orgId} AND id < (
    SELECT id FROM scim_requests WHERE org_id = ${entry.orgId} ORDER BY id DESC LIMIT 1 OFFSET ${KEPT_SCIM_REQUESTS - 1})`);
}

/** A refused request's line, on its own (nothing else was written). */
export async function logScimRefusal(db: Db, entry: ScimRequestEntry): Promise<void> {
  await db.write((tx) => recordScimRequest(tx, entry));
}

export async function listScimRequests(db: Db, orgId: string, limit = 20): Promise<ScimRequestRow[]> {
  return db
    .select(pickColumns(scimRequests, ["id", "method", "path", "status", "outcome", "createdAt"]))
    .from(scimRequests)
    .where(eq(scimRequests.orgId, orgId))
    .orderBy(desc(scimRequests.id))
    .limit(limit);
}

/** How many requests the log holds for an organization (tests and the page's "showing n of m"). */
export async function countScimRequests(db: Db, orgId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(scimRequests).where(eq(scimRequests.orgId, orgId));
  return Number(row?.n ?? 0);
}
