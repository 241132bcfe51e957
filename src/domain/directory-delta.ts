// Applying one downloaded Graph delta round to directory_people, keyed on (org, object id).
// Work is planned and written in chunks of 500 (multi-row VALUES), yielding after each statement.
// A round of up to 2,000 changes is written in one transaction together with `finish` (the new
// deltaLink and the sync record). A bigger one (a first sync) commits about once a second,
// `finish` riding on the last transaction: if it is interrupted, the stored deltaLink has not
// moved, so the next sync replays the same round and the idempotent upserts converge.
import type { Db, Tx } from "../db/client.js";
import {
  adoptObjectId,
  findLivePeopleIds,
  findPeopleByObjectIds,
  findUnkeyedPeopleByUpns,
  hasDirectoryPeople,
  listLiveObjectIds,
  markPeopleRemoved,
  releaseUpnNorms,
  upsertPeople,
  type PersonValues,
  type StoredPerson,
} from "../db/statements/directory-people.js";
import type { GraphUser } from "../integrations/graph.js";
import { newId } from "../ids.js";
import { yieldToEventLoop } from "../event-loop.js";
import { normalizeAddressOrNull } from "./addresses.js";
import { normalizedCopies } from "./directory-person.js";
import { PERSON_FIELDS, type PersonFields } from "../db/directory-person.js";
import { archiveLeavers, type Leaver } from "./leavers.js";
import { refreshMembersFromDirectory } from "./member-directory.js";

/** Updated instances carry at least the changed properties: absent ones keep their stored value. */
export type PersonChange = { removed: true } | { removed: false; fields: Partial<PersonFields> };
/** `archived`: members of people found disabled or gone (leavers.ts). */
export type DeltaCounts = { added: number; updated: number; removed: number; archived: number };

const CHUNK = 500;
/** A big round commits about once a second, so our other writers never wait longer than that. */
const TRANSACTION_MS = 1_000;
const ONE_TRANSACTION_LIMIT = 2_000;

/** Folds one Graph delta entry into the round's changes (an object may appear more than once). */
export function addGraphUser(changes: Map<string, PersonChange>, user: GraphUser): void {
  if (typeof user.id !== "string" || !user.id) return;
  const oid = user.id.toLowerCase();
  if (user["@removed"]) return void changes.set(oid, { removed: true });
  const fields: Partial<PersonFields> = {};
  for (const key of PERSON_FIELDS) {
    if (!(key in user)) continue;
    const value = user[key];
    if (key === "accountEnabled") fields.accountEnabled = value !== false;
    else if (key === "displayName") fields.displayName = typeof value === "string" ? value : "";
    else fields[key] = typeof value === "string" && value.trim() ? value : null;
  }
  const previous = changes.get(oid);
  changes.set(oid, { removed: false, fields: previous && !previous.removed ? { ...previous.fields, ...fields } : fields });
}

type Existing = StoredPerson;

type Context = { orgId: string; counts: DeltaCounts; claimedUpns: Set<string>; emptyOrg: boolean; hasUnkeyed: boolean };

export async function applyDirectoryChanges(
  db: Db,
  orgId: string,
  changes: Map<string, PersonChange>,
  options: { full: boolean; heartbeat: () => Promise<void>; finish: (tx: Tx, counts: DeltaCounts) => Promise<void> },
): Promise<DeltaCounts> {
  const ctx: Context = {
    orgId,
    counts: { added: 0, updated: 0, removed: 0, archived: 0 },
    claimedUpns: new Set(),
    emptyOrg: !(await hasDirectoryPeople(db, orgId, "any")),
    hasUnkeyed: await hasDirectoryPeople(db, orgId, "unkeyed"),
  };
  // In UPN order the UPN and mail indexes (and, with first.last@ names, the name ones) grow at
  // one end instead of scattering writes over every page of them: far fewer pages per commit.
  const keyed: { key: string; entry: [string, { removed: false; fields: Partial<PersonFields> }] }[] = [];
  for (const [oid, change] of changes) if (!change.removed) keyed.push({ key: change.fields.userPrincipalName?.toLowerCase() ?? "", entry: [oid, change] });
  await yieldToEventLoop();
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const upserts = keyed.map((k) => k.entry);
  await yieldToEventLoop();
  const removals = [...changes].filter(([, c]) => c.removed).map(([oid]) => oid);
  // A full round lists everyone who exists: anyone we hold with an object id who was not in it has left.
  if (options.full && !ctx.emptyOrg) removals.push(...(await listLiveObjectIds(db, orgId)).filter((oid) => !changes.has(oid)));
  const oneTransaction = upserts.length + removals.length <= ONE_TRANSACTION_LIMIT;
  const plans: ((tx: Tx) => Promise<void>)[] = [];
  for (let i = 0; i < upserts.length; i += CHUNK) plans.push((tx) => writeUpserts(ctx, tx, upserts.slice(i, i + CHUNK)));
  for (let i = 0; i < removals.length; i += CHUNK) plans.push((tx) => writeRemovals(ctx, tx, removals.slice(i, i + CHUNK)));
  // Our other writers queue behind an open transaction (db/client.ts) without blocking the event
  // loop, and readers are not held up at all; yielding after each statement keeps requests flowing.
  let next = 0;
  for (;;) {
    const finished = await db.write(async (tx) => {
      const openedAt = performance.now();
      while (next < plans.length) {
        await plans[next++]!(tx);
        if (!oneTransaction && next < plans.length && performance.now() - openedAt >= TRANSACTION_MS) return false;
      }
      await options.finish(tx, ctx.counts);
      return true;
    });
    if (finished) return ctx.counts;
    await options.heartbeat();
  }
}

/** Writes a chunk of added or changed people (their members' copies follow, leavers' members are archived), yielding after each statement. */
async function writeUpserts(ctx: Context, tx: Tx, chunk: [string, { removed: false; fields: Partial<PersonFields> }][]): Promise<void> {
  const { orgId, counts, claimedUpns } = ctx;
  const oids = chunk.map(([oid]) => oid);
  const existing = new Map<string, Existing>();
  for (const row of ctx.emptyOrg ? [] : await findPeopleByObjectIds(tx, orgId, oids)) existing.set(row.oid!, row);
  const adopted: { id: string; oid: string }[] = [];
  // People imported from a CSV without an object id are adopted by UPN rather than duplicated.
  if (ctx.hasUnkeyed) {
    const wanted = new Map(
      chunk
        .filter(([oid, c]) => !existing.has(oid) && c.fields.userPrincipalName)
        .map(([oid, c]) => [normalizeAddressOrNull(c.fields.userPrincipalName)!, oid]),
    );
    if (wanted.size) {
      for (const row of await findUnkeyedPeopleByUpns(tx, orgId, [...wanted.keys()])) {
        const oid = wanted.get(row.upnNorm!)!;
        existing.set(oid, { ...row, oid });
        adopted.push({ id: row.id, oid });
      }
    }
  }
  const now = Date.now();
  const values: PersonValues[] = [];
  const keepUpn: string[] = [];
  const newUpns: string[] = [];
  /** People already known whose entry changes: their members' copies follow. */
  const changed: string[] = [];
  const leavers: Leaver[] = [];
  for (const [oid, change] of chunk) {
    const before = existing.get(oid);
    const p: PersonFields = {
      mail: null,
      userPrincipalName: null,
      displayName: "",
      givenName: null,
      surname: null,
      jobTitle: null,
      department: null,
      accountEnabled: true,
      ...(before ? { ...before, accountEnabled: Boolean(before.accountEnabled) } : {}),
      ...change.fields,
    };
    // UPNs are unique in a tenant at any moment; within one round the first claim wins.
    let upnNorm = normalizeAddressOrNull(p.userPrincipalName);
    if (upnNorm && claimedUpns.has(upnNorm)) upnNorm = null;
    if (upnNorm) claimedUpns.add(upnNorm);
    const same =
      before &&
      before.removedAt === null &&
      before.upnNorm === upnNorm &&
      PERSON_FIELDS.every((k) => (k === "accountEnabled" ? Boolean(before[k]) === p[k] : before[k] === p[k]));
    if (same) continue;
    if (before) {
      counts.updated++;
      changed.push(before.id);
      if (before.removedAt === null && before.accountEnabled && !p.accountEnabled) leavers.push({ personId: before.id, reason: "disabled" });
    } else counts.added++;
    if (upnNorm) newUpns.push(upnNorm);
    if (upnNorm && before?.upnNorm === upnNorm) keepUpn.push(oid);
    const copies = normalizedCopies(p);
    values.push([
      before?.id ?? newId(),
      orgId,
      oid,
      p.mail,
      p.userPrincipalName,
      p.displayName,
      p.givenName,
      p.surname,
      p.jobTitle,
      p.department,
      p.accountEnabled ? 1 : 0,
      copies.mailNorm,
      upnNorm,
      copies.displayNorm,
      copies.givenNorm,
      copies.surnameNorm,
      copies.departmentNorm,
      now,
    ]);
  }
  for (const { id, oid } of adopted) {
    await adoptObjectId(tx, id, oid);
    await yieldToEventLoop();
  }
  if (values.length === 0) return;
  if (newUpns.length && !ctx.emptyOrg) {
    // Whoever else still holds one of these UPNs is stale (renamed or gone): let go of it first.
    await releaseUpnNorms(tx, orgId, newUpns, keepUpn);
    await yieldToEventLoop();
  }
  await upsertPeople(tx, values);
  await yieldToEventLoop();
  if (changed.length > 0) {
    await refreshMembersFromDirectory(tx, orgId, changed);
    await yieldToEventLoop();
  }
  await writeLeavers(ctx, tx, leavers);
}

/** Archives the members of people who left (leavers.ts), counted in `archived`. */
async function writeLeavers(ctx: Context, tx: Tx, leavers: Leaver[]): Promise<void> {
  if (leavers.length === 0) return;
  ctx.counts.archived += await archiveLeavers(tx, ctx.orgId, leavers);
  await yieldToEventLoop();
}

async function writeRemovals(ctx: Context, tx: Tx, oids: string[]): Promise<void> {
  const ids = await findLivePeopleIds(tx, ctx.orgId, oids);
  if (ids.length === 0) return;
  ctx.counts.removed += ids.length;
  await markPeopleRemoved(tx, ctx.orgId, oids, Date.now());
  await yieldToEventLoop();
  await writeLeavers(
    ctx,
    tx,
    ids.map((personId): Leaver => ({ personId, reason: "left" })),
  );
}
