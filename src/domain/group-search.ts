// Groups in the Invite User type-ahead: departments and Entra groups whose name starts with what
// the admin typed (one range on directory_groups' (org_id, name_norm) index), each with how many
// of its people can still be invited. That count is one index range too: a department's
// invitable people are the (org, department, enabled = 1, live_members = 0) range of
// directory_people_org_department, an Entra group's the (group, eligible = 1) range of
// directory_group_members; triggers keep both in step (drizzle/0012). Counting stops at
// GROUP_COUNT_CAP, so a keystroke never walks a huge group.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { GroupKind } from "../db/schema.js";

export const GROUP_SEARCH_LIMIT = 3;
export const GROUP_COUNT_CAP = 10_000;

export type GroupMatch = {
  groupId: string;
  name: string;
  kind: GroupKind;
  /** People of the group who can still be invited (at most GROUP_COUNT_CAP: see `capped`). */
  eligible: number;
  capped: boolean;
};

/** The SQL condition "p can be invited": the terms of directory_people_org_department's range. */
const invitable = (p: string) => sql.raw(`${p}.account_enabled = 1 AND ${p}.live_members = 0 AND ${p}.removed_at IS NULL`);

/** How many people of group `g` (a directory_groups row in the query) can be invited, up to `cap`. */
export const eligibleCountSql = (cap: number) => sql`CASE WHEN g.kind = 'department'
    THEN (SELECT count(*) FROM (SELECT 1 FROM directory_people p WHERE p.org_id = g.org_id AND p.department_norm = g.name_norm
      AND ${invitable("p")} LIMIT ${cap}))
    ELSE (SELECT count(*) FROM (SELECT 1 FROM directory_group_members m WHERE m.group_id = g.id AND m.eligible = 1 LIMIT ${cap})) END`;

/** `q` is already checked and normalized (checkSearchText). Departments nobody is in any more are left out. */
export async function searchGroups(db: Db, orgId: string, q: string, limit = GROUP_SEARCH_LIMIT): Promise<GroupMatch[]> {
  const rows = await db.all<{ id: string; kind: GroupKind; name: string; eligible: number }>(sql`
    SELECT g.id, g.kind, g.name, ${eligibleCountSql(GROUP_COUNT_CAP + 1)} AS eligible
    FROM (SELECT * FROM directory_groups WHERE org_id = ${orgId} AND name_norm >= ${q} AND name_norm < ${q + "\u{10FFFF}"}
      AND removed_at IS NULL ORDER BY name_norm, id LIMIT ${limit + 5}) g
    WHERE g.kind <> 'department' OR EXISTS (SELECT 1 FROM directory_people p
      WHERE p.org_id = g.org_id AND p.department_norm = g.name_norm AND p.removed_at IS NULL)
    ORDER BY g.name_norm, g.id LIMIT ${limit}`);
  return rows.map((r) => ({
    groupId: r.id,
    name: r.name,
    kind: r.kind,
    eligible: Math.min(Number(r.eligible), GROUP_COUNT_CAP),
    capped: Number(r.eligible) > GROUP_COUNT_CAP,
  }));
}
