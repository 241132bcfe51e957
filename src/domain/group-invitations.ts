// Invite User with groups: the people named one by one and every person of the chosen groups go
// through inviteMembers, so a group's people are invited, or skipped with the reason, exactly as
// if each had been added alone. A group's people go in parts of INVITE_PART, each its own write
// transaction (inviteMembers), so other writers wait for one part at most, never for a whole
// department; a part that is interrupted is simply invited again by the next Invite.
import { and, inArray, isNull, sql } from "drizzle-orm";
import { guardEq } from "../db/filters.js";
import type { Db } from "../db/client.js";
import { directoryGroups, groupKinds, type GroupKind } from "../db/schema.js";
import type { Actor } from "./actor.js";
import { recordAudits } from "./audit.js";
import { inviteMembers, type InviteOutcome, type InviteResultCode } from "./invitations.js";

export const MAX_GROUPS_PER_REQUEST = 20;
export const GROUP_KINDS: readonly GroupKind[] = groupKinds;
/** People a write transaction: other writers wait for one part at most. */
const INVITE_PART = 1_000;
/** Skipped people named per reason on the result (not those already invited or members); the rest are counted. */
export const SKIPPED_LISTED = 20;

export type SkippedGroup = { result: InviteResultCode; message: string; count: number; people: string[] };
export type GroupInviteReport = {
  groupId: string;
  name: string;
  kind: GroupKind;
  invited: number;
  skipped: SkippedGroup[];
  /** People also in a group listed before this one, or named one by one: reported there. */
  elsewhere: number;
};
export type InviteRequestResult = { invited: number; outcomes: InviteOutcome[]; groups: GroupInviteReport[] };
export type InviteRequestOutcome = { ok: true; result: InviteRequestResult } | { ok: false; reason: "group_not_found" };

/** Our group ids are UUIDs; anything else is not one and never reaches the database. */
export const isGroupId = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);

type Group = { id: string; name: string; kind: GroupKind; nameNorm: string };

/** The actor's organization's groups, or null when one is not found there (another
 *  organization's id looks exactly like one that does not exist). */
async function findGroups(db: Db, orgId: string, ids: string[]): Promise<Group[] | null> {
  if (ids.some((id) => !isGroupId(id))) return null;
  const rows = await db
    .select({ id: directoryGroups.id, name: directoryGroups.name, kind: directoryGroups.kind, nameNorm: directoryGroups.nameNorm })
    .from(directoryGroups)
    .where(and(inArray(directoryGroups.id, ids), guardEq(directoryGroups.orgId, orgId), isNull(directoryGroups.removedAt)));
  if (rows.length !== ids.length) return null;
  const byId = new Map(rows.map((g) => [g.id, g]));
  return ids.map((id) => byId.get(id)!);
}

/** Everyone in the group who has not left the directory (disabled accounts too: they are reported as skipped). */
async function listGroupPeople(db: Db, orgId: string, group: Group): Promise<string[]> {
  const rows =
    group.kind === "department"
      ? // No ORDER BY: with one, the planner walks the organization's name index instead of the
        // department's range. The result is sorted where it is shown.
        await db.all<{ id: string }>(sql`SELECT id FROM directory_people
        WHERE org_id = ${orgId} AND department_norm = ${group.nameNorm} AND department_norm IS NOT NULL AND removed_at IS NULL`)
      : await db.all<{ id: string }>(sql`SELECT p.id FROM directory_group_members m
        JOIN directory_people p ON p.org_id = m.org_id AND p.entra_object_id = m.person_oid
        WHERE m.group_id = ${group.id} AND p.removed_at IS NULL`);
  return rows.map((r) => r.id);
}

export async function invitePeopleAndGroups(
  db: Db,
  actor: Actor,
  input: { emails: string[]; groupIds: string[] },
  deps: { publicUrl: string },
): Promise<InviteRequestOutcome> {
  const groupIds = [...new Set(input.groupIds)];
  const groups = groupIds.length > 0 ? await findGroups(db, actor.orgId, groupIds) : [];
  if (!groups) return { ok: false, reason: "group_not_found" };
  const named = input.emails.length > 0 ? await inviteMembers(db, actor, { emails: input.emails }, deps) : { invited: 0, outcomes: [] };
  const seen = new Set(named.outcomes.flatMap((o) => (o.personId ? [o.personId] : [])));
  const lists: { group: Group; people: string[]; elsewhere: number }[] = [];
  for (const group of groups) {
    const all = await listGroupPeople(db, actor.orgId, group);
    const people = all.filter((id) => !seen.has(id));
    for (const id of people) seen.add(id);
    lists.push({ group, people, elsewhere: all.length - people.length });
  }
  const everyone = lists.flatMap((l) => l.people);
  const byPerson = new Map<string, InviteOutcome>();
  let invited = named.invited;
  for (let i = 0; i < everyone.length; i += INVITE_PART) {
    const part = await inviteMembers(db, actor, { personIds: everyone.slice(i, i + INVITE_PART) }, deps);
    invited += part.invited;
    for (const o of part.outcomes) if (o.personId) byPerson.set(o.personId, o);
  }
  const reports = lists.map(({ group, people, elsewhere }) => reportGroup(group, people.map((id) => byPerson.get(id)!).filter(Boolean), elsewhere));
  if (reports.length > 0) {
    await db.write((tx) =>
      recordAudits(
        tx,
        reports.map((r) => ({
          orgId: actor.orgId,
          actorId: actor.personId,
          action: "group.invite",
          subject: r.name,
          detail: { groupId: r.groupId, name: r.name, kind: r.kind, invited: r.invited, skipped: r.skipped.reduce((n, s) => n + s.count, 0) },
        })),
      ),
    );
  }
  return { ok: true, result: { invited, outcomes: named.outcomes, groups: reports } };
}

function reportGroup(group: Group, outcomes: InviteOutcome[], elsewhere: number): GroupInviteReport {
  const skipped = new Map<InviteResultCode, SkippedGroup>();
  let invited = 0;
  for (const o of outcomes) {
    if (o.result === "invited" || o.result === "reinvited") {
      invited++;
      continue;
    }
    const entry = skipped.get(o.result) ?? { result: o.result, message: o.message, count: 0, people: [] };
    entry.count++;
    // Who is already in is what one expects of a group: counted. Anyone refused otherwise is named.
    if (entry.people.length < SKIPPED_LISTED && o.result !== "already_invited" && o.result !== "already_active") entry.people.push(o.email);
    skipped.set(o.result, entry);
  }
  for (const s of skipped.values()) s.people.sort();
  return { groupId: group.id, name: group.name, kind: group.kind, invited, skipped: [...skipped.values()], elsewhere };
}
