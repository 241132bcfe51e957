// Writing a downloaded groups round (directory-groups-delta.ts): groups created, renamed or
// removed, and their user members replaced or changed, in write transactions of about
// EDGES_PER_TRANSACTION member rows, so our other writers wait a few tens of ms at most. The
// groups deltaLink is stored with the last one: a sync interrupted halfway leaves it where it
// was, and the next sync replays the round (every step is idempotent).
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { newId } from "../ids.js";
import { normalizeAddress } from "./addresses.js";
import type { GroupPlan, GroupsRound } from "./directory-groups-delta.js";

const EDGES_PER_TRANSACTION = 5_000;
/** Member rows a statement. */
const EDGES = 1_000;

export type GroupCounts = { added: number; updated: number; removed: number };

export async function applyGroupsRound(db: Db, orgId: string, round: GroupsRound, heartbeat: () => Promise<void>): Promise<GroupCounts> {
  const counts: GroupCounts = { added: 0, updated: 0, removed: 0 };
  const size = (p: GroupPlan) =>
    1 + (p.remove || !p.members ? 0 : "replace" in p.members ? p.members.replace.length : p.members.add.length + p.members.remove.length);
  const batches: GroupPlan[][] = [[]];
  let weight = 0;
  for (const plan of round.plans) {
    if (weight > 0 && weight + size(plan) > EDGES_PER_TRANSACTION) {
      batches.push([]);
      weight = 0;
    }
    batches[batches.length - 1]!.push(plan);
    weight += size(plan);
  }
  for (const [n, batch] of batches.entries()) {
    await db.write(async (tx) => {
      for (const plan of batch) await applyPlan(tx, orgId, plan, counts);
      if (n === batches.length - 1) await tx.run(sql`UPDATE organizations SET groups_delta_link = ${round.deltaLink} WHERE id = ${orgId}`);
    });
    await heartbeat();
  }
  return counts;
}

async function applyPlan(tx: Tx, orgId: string, plan: GroupPlan, counts: GroupCounts) {
  const now = Date.now();
  if (plan.remove) {
    counts.removed++;
    await tx.run(sql`UPDATE directory_groups SET removed_at = ${now}, updated_at = ${now} WHERE id = ${plan.id}`);
    await tx.run(sql`DELETE FROM directory_group_members WHERE group_id = ${plan.id}`);
    return;
  }
  let id = plan.id;
  const nested = JSON.stringify(plan.nested);
  if (id) {
    counts.updated++;
    const name = plan.name === undefined ? sql`` : sql`name = ${plan.name}, name_norm = ${normalizeAddress(plan.name)},`;
    await tx.run(
      sql`UPDATE directory_groups SET ${name} kind = ${plan.kind}, nested_groups = ${nested}, removed_at = NULL, updated_at = ${now} WHERE id = ${id}`,
    );
  } else {
    counts.added++;
    id = newId();
    const name = plan.name ?? "";
    await tx.run(sql`INSERT INTO directory_groups (id, org_id, kind, entra_object_id, name, name_norm, nested_groups, updated_at)
      VALUES (${id}, ${orgId}, ${plan.kind}, ${plan.oid}, ${name}, ${normalizeAddress(name)}, ${nested}, ${now})`);
  }
  const members = plan.members;
  if (!members) return;
  const add = "replace" in members ? members.replace : members.add;
  if ("replace" in members) {
    await tx.run(sql`DELETE FROM directory_group_members WHERE group_id = ${id}
      AND person_oid NOT IN (SELECT value FROM json_each(${JSON.stringify(members.replace)}))`);
  } else if (members.remove.length > 0) {
    await tx.run(
      sql`DELETE FROM directory_group_members WHERE group_id = ${id} AND person_oid IN (SELECT value FROM json_each(${JSON.stringify(members.remove)}))`,
    );
  }
  for (let i = 0; i < add.length; i += EDGES) {
    // eligible as the triggers keep it: the person can be invited (0 until the person is synced).
    await tx.run(sql`INSERT OR IGNORE INTO directory_group_members (org_id, group_id, person_oid, eligible)
      SELECT ${orgId}, ${id}, j.value, coalesce((SELECT p.account_enabled = 1 AND p.removed_at IS NULL AND p.live_members = 0
        FROM directory_people p WHERE p.org_id = ${orgId} AND p.entra_object_id = j.value), 0)
      FROM json_each(${JSON.stringify(add.slice(i, i + EDGES))}) j`);
  }
}
