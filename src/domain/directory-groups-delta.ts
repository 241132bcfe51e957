// Reading one round of Graph's groups delta and deciding what it changes: which security and
// Microsoft 365 groups are new, renamed or gone, and each changed group's user members. A group
// without nested groups gets its members from members@delta (the whole list in a full round, the
// additions and removals later); a group that holds other groups, or holds a group that changed,
// has its transitive user members read again from Graph. Everything is downloaded before anything
// is written (directory-groups-write.ts), so a sync that fails while talking to Graph changes nothing.
import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryGroups, type GroupKind } from "../db/schema.js";
import { GraphError, type DeltaRoundHandlers, type GraphClient } from "../integrations/graph.js";
import { readGroupsDelta, readTransitiveUserIds, type GraphGroup } from "../integrations/graph-groups.js";

type Entra = Exclude<GroupKind, "department">;
/** A round's news of one group; `kind` null: not a security or Microsoft 365 group (a distribution list). */
type GroupFold = { removed: boolean; name?: string; kind?: Entra | null; users: Map<string, boolean>; groups: Map<string, boolean> };
type Stored = { id: string; kind: GroupKind; nestedGroups: string[]; removed: boolean };

export type GroupMembersPlan = { replace: string[] } | { add: string[]; remove: string[] };
export type GroupPlan =
  | { oid: string; id: string | null; remove: true }
  | { oid: string; id: string | null; remove: false; name?: string; kind: Entra; nested: string[]; members: GroupMembersPlan | null };
export type GroupsRound = { deltaLink: string; full: boolean; plans: GroupPlan[] };

function kindOf(g: GraphGroup): Entra | null | undefined {
  if (!("groupTypes" in g) && !("securityEnabled" in g)) return undefined;
  if (g.groupTypes?.includes("Unified")) return "microsoft365";
  return g.securityEnabled ? "security" : null;
}

/** Folds one delta entry into the round (a group may appear on several pages, its members split between them). */
export function addGraphGroup(changes: Map<string, GroupFold>, g: GraphGroup): void {
  if (typeof g.id !== "string" || !g.id) return;
  const oid = g.id.toLowerCase();
  const fold: GroupFold = changes.get(oid) ?? { removed: false, users: new Map(), groups: new Map() };
  changes.set(oid, fold);
  if (g["@removed"]) return void Object.assign(fold, { removed: true });
  fold.removed = false;
  if (typeof g.displayName === "string") fold.name = g.displayName;
  const kind = kindOf(g);
  if (kind !== undefined) fold.kind = kind;
  for (const m of g["members@delta"] ?? []) {
    if (typeof m?.id !== "string") continue;
    const into = m["@odata.type"] === "#microsoft.graph.group" ? fold.groups : m["@odata.type"] === "#microsoft.graph.user" ? fold.users : null;
    into?.set(m.id.toLowerCase(), !m["@removed"]);
  }
}

const keys = (m: Map<string, boolean>, added: boolean) => [...m].filter(([, a]) => a === added).map(([k]) => k);

export async function downloadGroups(
  db: Db,
  orgId: string,
  graph: GraphClient,
  deltaLink: string | null,
  handlers: Pick<DeltaRoundHandlers<unknown>, "signal" | "onRetry"> & { heartbeat: () => Promise<void> },
): Promise<GroupsRound> {
  const changes = new Map<string, GroupFold>();
  const round = await readGroupsDelta(graph, deltaLink, {
    ...handlers,
    onRestart: () => changes.clear(),
    onPage: async (groups) => {
      for (const g of groups) addGraphGroup(changes, g);
      await handlers.heartbeat();
    },
  });
  const stored = new Map<string, Stored>();
  for (const g of await db
    .select({
      oid: directoryGroups.entraObjectId,
      id: directoryGroups.id,
      kind: directoryGroups.kind,
      nestedGroups: directoryGroups.nestedGroups,
      removedAt: directoryGroups.removedAt,
    })
    .from(directoryGroups)
    .where(and(eq(directoryGroups.orgId, orgId), isNotNull(directoryGroups.entraObjectId)))) {
    stored.set(g.oid!, { id: g.id, kind: g.kind, nestedGroups: g.nestedGroups, removed: g.removedAt !== null });
  }

  // Each group's state after the round: gone, or live with its kind and nested groups.
  const after = new Map<string, { kind: Entra; nested: string[] } | null>();
  for (const oid of new Set([...stored.keys(), ...changes.keys()])) {
    const before = stored.get(oid);
    const change = changes.get(oid);
    const kind = change?.kind === undefined ? (before && !before.removed && before.kind !== "department" ? before.kind : undefined) : change.kind;
    if (change?.removed || !kind || (round.full && !change) || (!change && before?.removed)) {
      after.set(oid, null);
      continue;
    }
    const nested = !change
      ? before!.nestedGroups
      : round.full || !before || before.removed
        ? keys(change.groups, true)
        : [...new Set([...before.nestedGroups.filter((g) => change.groups.get(g) !== false), ...keys(change.groups, true)])];
    after.set(oid, { kind, nested });
  }

  // Read again from Graph: changed groups that hold groups, and every group holding a changed one.
  const parents = new Map<string, string[]>();
  for (const [oid, state] of after) for (const child of state?.nested ?? []) parents.set(child, [...(parents.get(child) ?? []), oid]);
  const refresh = new Set([...changes.keys()].filter((oid) => (after.get(oid)?.nested.length ?? 0) > 0));
  const queue = [...changes.keys()];
  for (let oid = queue.pop(); oid !== undefined; oid = queue.pop()) {
    for (const parent of parents.get(oid) ?? []) {
      if (after.get(parent) && !refresh.has(parent)) {
        refresh.add(parent);
        queue.push(parent);
      }
    }
  }
  const transitive = new Map<string, string[]>();
  for (const oid of refresh) {
    transitive.set(oid, await readTransitiveUserIds(graph, oid, handlers));
    await handlers.heartbeat();
  }

  const plans: GroupPlan[] = [];
  for (const [oid, state] of after) {
    const before = stored.get(oid);
    const change = changes.get(oid);
    if (!state) {
      if (before && !before.removed) plans.push({ oid, id: before.id, remove: true });
      continue;
    }
    const reread = transitive.get(oid);
    const members: GroupMembersPlan | null = reread
      ? { replace: reread }
      : !change
        ? null
        : round.full || !before || before.removed
          ? { replace: keys(change.users, true) }
          : { add: keys(change.users, true), remove: keys(change.users, false) };
    if (!change && !members) continue;
    plans.push({ oid, id: before?.id ?? null, remove: false, name: change?.name, kind: state.kind, nested: state.nested, members });
  }
  return { deltaLink: round.deltaLink, full: round.full, plans };
}

type Handlers = Parameters<typeof downloadGroups>[4];
export const GROUPS_NOT_PERMITTED = "Groups were not synced: grant the app registration the GroupMember.Read.All application permission (with admin consent)";

/** downloadGroups, or why groups are skipped when Graph refuses them (the permission is not granted yet): people still sync. */
export async function downloadGroupsOrSkip(
  db: Db,
  orgId: string,
  graph: GraphClient,
  deltaLink: string | null,
  handlers: Handlers,
): Promise<GroupsRound | { skipped: string }> {
  try {
    return await downloadGroups(db, orgId, graph, deltaLink, handlers);
  } catch (error) {
    if (error instanceof GraphError && error.status === 403) return { skipped: GROUPS_NOT_PERMITTED };
    throw error;
  }
}
