// The groups half of the Graph stand-in (graph-stand-in.ts mounts it): GET /v1.0/groups/delta
// with members@delta (a full round lists every member, a large group split over several entries
// as Graph does; later rounds list the members added and, with @removed, taken out, and removed
// groups with @removed), and GET /v1.0/groups/{id}/transitiveMembers (users and groups, nested
// groups' members included, paged by $top).
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type StandInGroup = { id: string; displayName: string; groupTypes: string[]; securityEnabled: boolean; mailEnabled: boolean; members: string[] };

type Json = (res: ServerResponse, status: number, body: unknown) => void;
type Entry = { id: string; members: string[] | null };

/** A group's members in one entry of a full round: more are split over several entries. */
const MEMBERS_PER_ENTRY = 50;

export function createGroupsStandIn(input: { json: Json; origin: () => string; epoch: () => number }) {
  const groups = new Map<string, { group: Omit<StandInGroup, "members">; members: Set<string> }>();
  const removedGroups = new Set<string>();
  /** Every change: a group's properties (member undefined) or one member added or taken out. */
  const log: { seq: number; id: string; member?: string; added?: boolean }[] = [];
  const rounds = new Map<string, { items: Entry[]; endSeq: number; since: number | null }>();
  let seq = 0;
  const requests: { path: string; query: URLSearchParams }[] = [];
  /** Set: every groups request answers this status (403: the permission is not granted). */
  let refusal: number | null = null;

  const ref = (id: string, removed = false) => ({
    "@odata.type": groups.has(id) || removedGroups.has(id) ? "#microsoft.graph.group" : "#microsoft.graph.user",
    id,
    ...(removed ? { "@removed": { reason: "deleted" } } : {}),
  });

  const startRound = (since: number | null) => {
    const items: Entry[] = [];
    if (since === null) {
      for (const [id, g] of groups) {
        const all = [...g.members];
        if (all.length === 0) items.push({ id, members: [] });
        for (let i = 0; i < all.length; i += MEMBERS_PER_ENTRY) items.push({ id, members: all.slice(i, i + MEMBERS_PER_ENTRY) });
      }
    } else {
      const touched = new Map<string, Set<string>>();
      for (const e of log) {
        if (e.seq <= since) continue;
        const set = touched.get(e.id) ?? new Set<string>();
        if (e.member) set.add(e.member);
        touched.set(e.id, set);
      }
      for (const [id, members] of touched) items.push({ id, members: [...members] });
    }
    const roundId = randomBytes(8).toString("hex");
    rounds.set(roundId, { items, endSeq: seq, since });
    return roundId;
  };

  const entryJson = (entry: Entry) => {
    const g = groups.get(entry.id);
    if (!g) return { id: entry.id, "@removed": { reason: "changed" } };
    const members = (entry.members ?? []).map((m) => ref(m, !g.members.has(m)));
    return { ...g.group, "members@delta": members };
  };

  const servePage = (res: ServerResponse, roundId: string, offset: number, pageSize: number) => {
    const round = rounds.get(roundId);
    if (!round) return input.json(res, 400, { error: { code: "badRequest", message: "Unknown skip token" } });
    const base = `${input.origin()}/v1.0/groups/delta`;
    const link =
      offset + pageSize < round.items.length
        ? { "@odata.nextLink": `${base}?$skiptoken=${roundId}.${offset + pageSize}` }
        : { "@odata.deltaLink": `${base}?$deltatoken=${input.epoch()}.${round.endSeq}` };
    input.json(res, 200, {
      "@odata.context": `${input.origin()}/v1.0/$metadata#groups`,
      value: round.items.slice(offset, offset + pageSize).map(entryJson),
      ...link,
    });
  };

  const transitiveUsers = (id: string, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const m of groups.get(id)?.members ?? []) {
      if (seen.has(m)) continue;
      seen.add(m);
      out.push(m);
      if (groups.has(m)) out.push(...transitiveUsers(m, seen));
    }
    return out;
  };

  /** Answers the request when it is one of ours (true), after the caller checked the token. */
  function handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (refusal !== null && url.pathname.startsWith("/v1.0/groups/")) {
      input.json(res, refusal, { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } });
      return true;
    }
    const pageSize = (fallback: number) => Math.min(999, Number(/odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ""))?.[1] ?? fallback));
    if (url.pathname === "/v1.0/groups/delta") {
      requests.push({ path: url.pathname, query: url.searchParams });
      const skip = url.searchParams.get("$skiptoken");
      const delta = url.searchParams.get("$deltatoken");
      if (skip) {
        const [roundId, offset] = skip.split(".");
        servePage(res, roundId!, Number(offset), pageSize(100));
      } else if (delta) {
        const [epoch, since] = delta.split(".").map(Number);
        if (epoch !== input.epoch()) input.json(res, 400, { error: { code: "syncStateNotFound", message: "The delta token is expired." } });
        else servePage(res, startRound(since!), 0, pageSize(100));
      } else servePage(res, startRound(null), 0, pageSize(100));
      return true;
    }
    const transitive = /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers$/.exec(url.pathname);
    if (!transitive) return false;
    requests.push({ path: url.pathname, query: url.searchParams });
    const id = decodeURIComponent(transitive[1]!);
    if (!groups.has(id)) {
      input.json(res, 404, { error: { code: "Request_ResourceNotFound", message: "Resource does not exist." } });
      return true;
    }
    const top = Math.min(999, Number(url.searchParams.get("$top") ?? 100));
    const offset = Number(url.searchParams.get("$skiptoken") ?? 0);
    const all = transitiveUsers(id);
    const next =
      offset + top < all.length
        ? { "@odata.nextLink": `${input.origin()}/v1.0/groups/${id}/transitiveMembers?$select=id&$top=${top}&$skiptoken=${offset + top}` }
        : {};
    input.json(res, 200, { value: all.slice(offset, offset + top).map((m) => ref(m)), ...next });
    return true;
  }

  const touch = (id: string, member?: string, added?: boolean) => log.push({ seq: ++seq, id, member, added });

  return {
    handle,
    requests,
    addGroups(list: StandInGroup[]) {
      for (const { members, ...group } of list) {
        groups.set(group.id, { group, members: new Set(members) });
        removedGroups.delete(group.id);
        touch(group.id);
        for (const m of members) touch(group.id, m, true);
      }
    },
    updateGroup(id: string, patch: Partial<Omit<StandInGroup, "id" | "members">>) {
      const g = groups.get(id)!;
      g.group = { ...g.group, ...patch };
      touch(id);
    },
    addMembers(id: string, members: string[]) {
      for (const m of members) {
        groups.get(id)!.members.add(m);
        touch(id, m, true);
      }
    },
    removeMembers(id: string, members: string[]) {
      for (const m of members) {
        groups.get(id)!.members.delete(m);
        touch(id, m, false);
      }
    },
    removeGroup(id: string) {
      groups.delete(id);
      removedGroups.add(id);
      touch(id);
    },
    refuse(status: number | null) {
      refusal = status;
    },
    clear() {
      groups.clear();
      removedGroups.clear();
      refusal = null;
    },
  };
}

export type GroupsStandIn = ReturnType<typeof createGroupsStandIn>;
