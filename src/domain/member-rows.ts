// A few members by id, shaped as the Users list shows them: row actions answer the updated rows.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, members } from "../db/schema.js";
import type { MemberRow } from "./members.js";

/** The members with these ids in the organization (ids of other organizations are simply absent). */
export async function findMemberRows(db: Db, orgId: string, ids: string[]): Promise<MemberRow[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select({
      id: members.id, name: members.name, email: members.email, status: members.status,
      invitedAt: members.invitedAt, activatedAt: members.activatedAt, archivedAt: members.archivedAt,
      jobTitle: directoryPeople.jobTitle, department: directoryPeople.department, removedAt: directoryPeople.removedAt, enabled: directoryPeople.accountEnabled,
    })
    .from(members)
    .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
    .where(and(eq(members.orgId, orgId), inArray(members.id, ids)))
    .orderBy(members.sortName, members.id);
  return found.map((r) => ({
    id: r.id, name: r.name, email: r.email, status: r.status, invitedAt: r.invitedAt, activatedAt: r.activatedAt,
    archivedAt: r.archivedAt, jobTitle: r.jobTitle ?? null, department: r.department ?? null, leftDirectory: r.removedAt != null, accountDisabled: r.enabled === false,
  }));
}

export async function findMemberRow(db: Db, orgId: string, id: string): Promise<MemberRow | null> {
  return (await findMemberRows(db, orgId, [id]))[0] ?? null;
}
