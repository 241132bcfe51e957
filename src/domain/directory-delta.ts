// Applying one downloaded Graph delta round to directory_people, keyed on (org, object id).
// Work is planned and written in chunks of 500 (multi-row VALUES), yielding after each statement.
// A round of up to 2,000 changes is written in one transaction together with `finish` (the new
// deltaLink and the sync record). A bigger one (a first sync) commits about once a second,
// `finish` riding on the last transaction: if it is interrupted, the stored deltaLink has not
// moved, so the next sync replays the same round and the idempotent upserts converge.
import type { Client, InStatement, InValue, Transaction } from "@libsql/client";
import type { SQL } from "drizzle-orm";
import type { GraphUser } from "../integrations/graph.js";
import { newId } from "../ids.js";
import { yieldToEventLoop } from "../event-loop.js";
import { normalizeAddress } from "./addresses.js";
import { planLeaverArchive, type Leaver } from "./leavers.js";
import { refreshMembersStatement, statementOf } from "./member-directory.js";

export type PersonFields = {
  mail: string | null; userPrincipalName: string | null; displayName: string; givenName: string | null; surname: string | null;
  jobTitle: string | null; department: string | null; accountEnabled: boolean;
};
/** Updated instances carry at least the changed properties: absent ones keep their stored value. */
export type PersonChange = { removed: true } | { removed: false; fields: Partial<PersonFields> };
/** `archived`: members of people found disabled or gone (leavers.ts). */
export type DeltaCounts = { added: number; updated: number; removed: number; archived: number };

const CHUNK = 500;
/** A big round commits about once a second, so our other writers never wait longer than that. */
const TRANSACTION_MS = 1_000;
const ONE_TRANSACTION_LIMIT = 2_000;
const KEYS = ["mail", "userPrincipalName", "displayName", "givenName", "surname", "jobTitle", "department", "accountEnabled"] as const;
const COLUMNS = "id, org_id, entra_object_id, mail, user_principal_name, display_name, given_name, surname, job_title, department, account_enabled, mail_norm, upn_norm, display_norm, given_norm, surname_norm, department_norm, removed_at, updated_at";
const SELECTED = "id, entra_object_id AS oid, mail, user_principal_name AS userPrincipalName, display_name AS displayName, given_name AS givenName, surname, job_title AS jobTitle, department, account_enabled AS accountEnabled, upn_norm AS upnNorm, removed_at AS removedAt";

const norm = (v: string | null | undefined) => (v ? normalizeAddress(v) || null : null);
const marks = (n: number) => Array(n).fill("?").join(",");

/** Folds one Graph delta entry into the round's changes (an object may appear more than once). */
export function addGraphUser(changes: Map<string, PersonChange>, user: GraphUser): void {
  if (typeof user.id !== "string" || !user.id) return;
  const oid = user.id.toLowerCase();
  if (user["@removed"]) return void changes.set(oid, { removed: true });
  const fields: Partial<PersonFields> = {};
  for (const key of KEYS) {
    if (!(key in user)) continue;
    const value = user[key];
    if (key === "accountEnabled") fields.accountEnabled = value !== false;
    else if (key === "displayName") fields.displayName = typeof value === "string" ? value : "";
    else fields[key] = typeof value === "string" && value.trim() ? value : null;
  }
  const previous = changes.get(oid);
  changes.set(oid, { removed: false, fields: previous && !previous.removed ? { ...previous.fields, ...fields } : fields });
}

type Existing = PersonFields & { id: string; oid: string | null; upnNorm: string | null; removedAt: number | null };

type Context = { orgId: string; counts: DeltaCounts; claimedUpns: Set<string>; emptyOrg: boolean; hasUnkeyed: boolean };

export async function applyDirectoryChanges(
  client: Client,
  orgId: string,
  changes: Map<string, PersonChange>,
  options: { full: boolean; heartbeat: () => Promise<void>; finish: (counts: DeltaCounts) => InStatement[] },
): Promise<DeltaCounts> {
  const probe = async (where: string) => (await client.execute({ sql: `SELECT 1 FROM directory_people WHERE org_id = ? ${where} LIMIT 1`, args: [orgId] })).rows.length > 0;
  const ctx: Context = { orgId, counts: { added: 0, updated: 0, removed: 0, archived: 0 }, claimedUpns: new Set(), emptyOrg: !(await probe("")), hasUnkeyed: await probe("AND entra_object_id IS NULL") };
  // In UPN order the UPN and mail indexes (and, with first.last@ names, the name ones) grow at
  // one end instead of scattering writes over every page of them: far fewer pages per commit.
  const keyed: { key: string; entry: [string, { removed: false; fields: Partial<PersonFields> }] }[] = [];
  for (const [oid, change] of changes) if (!change.removed) keyed.push({ key: change.fields.userPrincipalName?.toLowerCase() ?? "", entry: [oid, change] });
  await yieldToEventLoop();
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const upserts = keyed.map((k) => k.entry);
  await yieldToEventLoop();
  const removals = [...changes].filter(([, c]) => c.removed).map(([oid]) => oid);
  if (options.full && !ctx.emptyOrg) removals.push(...(await findUnseen(client, orgId, changes)));
  const oneTransaction = upserts.length + removals.length <= ONE_TRANSACTION_LIMIT;
  const plans: ((tx: Transaction) => Promise<InStatement[]>)[] = [];
  for (let i = 0; i < upserts.length; i += CHUNK) plans.push((tx) => planUpserts(ctx, tx, upserts.slice(i, i + CHUNK)));
  for (let i = 0; i < removals.length; i += CHUNK) plans.push((tx) => planRemovals(ctx, tx, removals.slice(i, i + CHUNK)));
  // Our other writers queue behind an open transaction (db/client.ts) without blocking the event
  // loop, and readers are not held up at all; yielding after each statement keeps requests flowing.
  let tx = await client.transaction("write");
  let openedAt = performance.now();
  try {
    for (let i = 0; i < plans.length; i++) {
      for (const statement of await plans[i]!(tx)) {
        await tx.execute(statement);
        await yieldToEventLoop();
      }
      if (oneTransaction || i === plans.length - 1 || performance.now() - openedAt < TRANSACTION_MS) continue;
      await tx.commit();
      await options.heartbeat();
      tx = await client.transaction("write");
      openedAt = performance.now();
    }
    for (const statement of options.finish(ctx.counts)) await tx.execute(statement);
    await tx.commit();
  } catch (error) {
    tx.close();
    throw error;
  }
  return ctx.counts;
}

async function planUpserts(ctx: Context, tx: Transaction, chunk: [string, { removed: false; fields: Partial<PersonFields> }][]): Promise<InStatement[]> {
  const { orgId, counts, claimedUpns } = ctx;
  const oids = chunk.map(([oid]) => oid);
  const existing = new Map<string, Existing>();
  const found = ctx.emptyOrg ? { rows: [] } : await tx.execute({ sql: `SELECT ${SELECTED} FROM directory_people WHERE org_id = ? AND entra_object_id IN (${marks(oids.length)})`, args: [orgId, ...oids] });
  for (const row of found.rows as unknown as Existing[]) existing.set(row.oid!, row);
  const statements: InStatement[] = [];
  // People imported from a CSV without an object id are adopted by UPN rather than duplicated.
  if (ctx.hasUnkeyed) {
    const wanted = new Map(chunk.filter(([oid, c]) => !existing.has(oid) && c.fields.userPrincipalName).map(([oid, c]) => [norm(c.fields.userPrincipalName)!, oid]));
    if (wanted.size) {
      const rows = await tx.execute({ sql: `SELECT ${SELECTED} FROM directory_people WHERE org_id = ? AND entra_object_id IS NULL AND upn_norm IN (${marks(wanted.size)})`, args: [orgId, ...wanted.keys()] });
      for (const row of rows.rows as unknown as Existing[]) {
        const oid = wanted.get(row.upnNorm!)!;
        existing.set(oid, { ...row, oid });
        statements.push({ sql: "UPDATE directory_people SET entra_object_id = ? WHERE id = ?", args: [oid, row.id] });
      }
    }
  }
  const now = Date.now();
  const values: InValue[] = [];
  const keepUpn: string[] = [];
  const newUpns: string[] = [];
  /** People already known whose entry changes: their members' copies follow. */
  const changed: string[] = [];
  const leavers: Leaver[] = [];
  let rows = 0;
  for (const [oid, change] of chunk) {
    const before = existing.get(oid);
    const p: PersonFields = {
      mail: null, userPrincipalName: null, displayName: "", givenName: null, surname: null, jobTitle: null, department: null, accountEnabled: true,
      ...(before ? { ...before, accountEnabled: Boolean(before.accountEnabled) } : {}), ...change.fields,
    };
    // UPNs are unique in a tenant at any moment; within one round the first claim wins.
    let upnNorm = norm(p.userPrincipalName);
    if (upnNorm && claimedUpns.has(upnNorm)) upnNorm = null;
    if (upnNorm) claimedUpns.add(upnNorm);
    const same = before && before.removedAt === null && before.upnNorm === upnNorm && KEYS.every((k) => (k === "accountEnabled" ? Boolean(before[k]) === p[k] : before[k] === p[k]));
    if (same) continue;
    if (before) {
      counts.updated++;
      changed.push(before.id);
      if (before.removedAt === null && Boolean(before.accountEnabled) && !p.accountEnabled) leavers.push({ personId: before.id, reason: "disabled" });
    } else counts.added++;
    if (upnNorm) newUpns.push(upnNorm);
    if (upnNorm && before?.upnNorm === upnNorm) keepUpn.push(oid);
    values.push(before?.id ?? newId(), orgId, oid, p.mail, p.userPrincipalName, p.displayName, p.givenName, p.surname, p.jobTitle, p.department,
      p.accountEnabled ? 1 : 0, norm(p.mail), upnNorm, norm(p.displayName) ?? "", norm(p.givenName), norm(p.surname), norm(p.department), now);
    rows++;
  }
  if (rows === 0) return statements;
  if (newUpns.length && !ctx.emptyOrg) {
    // Whoever else still holds one of these UPNs is stale (renamed or gone): let go of it first.
    const keep = keepUpn.length ? `AND (entra_object_id IS NULL OR entra_object_id NOT IN (${marks(keepUpn.length)}))` : "";
    statements.push({ sql: `UPDATE directory_people SET upn_norm = NULL WHERE org_id = ? AND upn_norm IN (${marks(newUpns.length)}) ${keep}`, args: [orgId, ...newUpns, ...keepUpn] });
  }
  const tuple = `(${marks(17)}, NULL, ?)`;
  statements.push({
    sql: `INSERT INTO directory_people (${COLUMNS}) VALUES ${Array(rows).fill(tuple).join(",")}
      ON CONFLICT (org_id, entra_object_id) DO UPDATE SET mail = excluded.mail, user_principal_name = excluded.user_principal_name,
        display_name = excluded.display_name, given_name = excluded.given_name, surname = excluded.surname, job_title = excluded.job_title,
        department = excluded.department, account_enabled = excluded.account_enabled, mail_norm = excluded.mail_norm, upn_norm = excluded.upn_norm,
        display_norm = excluded.display_norm, given_norm = excluded.given_norm, surname_norm = excluded.surname_norm,
        department_norm = excluded.department_norm, removed_at = NULL,
        updated_at = excluded.updated_at`,
    args: values,
  });
  if (changed.length > 0) statements.push(refreshMembersStatement(orgId, changed));
  return [...statements, ...(await planLeavers(ctx, tx, leavers))];
}

/** The statements that archive the members of people who left (leavers.ts), counted in `archived`. */
async function planLeavers(ctx: Context, tx: Transaction, leavers: Leaver[]): Promise<InStatement[]> {
  const read = async <T>(query: SQL) => (await tx.execute(statementOf(query))).rows as unknown as T[];
  const plan = await planLeaverArchive(read, ctx.orgId, leavers);
  ctx.counts.archived += plan.archived;
  return plan.statements.map(statementOf);
}

async function planRemovals(ctx: Context, tx: Transaction, oids: string[]): Promise<InStatement[]> {
  const { orgId, counts } = ctx;
  const live = await tx.execute({ sql: `SELECT id FROM directory_people WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IN (${marks(oids.length)})`, args: [orgId, ...oids] });
  if (live.rows.length === 0) return [];
  counts.removed += live.rows.length;
  const now = Date.now();
  const leavers = live.rows.map((r): Leaver => ({ personId: String(r.id), reason: "left" }));
  return [
    { sql: `UPDATE directory_people SET removed_at = ?, updated_at = ? WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IN (${marks(oids.length)})`, args: [now, now, orgId, ...oids] },
    ...(await planLeavers(ctx, tx, leavers)),
  ];
}

/** A full round lists everyone who exists: anyone we hold with an object id who was not in it has left. */
async function findUnseen(client: Client, orgId: string, changes: Map<string, PersonChange>): Promise<string[]> {
  const rows = await client.execute({ sql: "SELECT entra_object_id AS oid FROM directory_people WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IS NOT NULL", args: [orgId] });
  return rows.rows.map((r) => String(r.oid)).filter((oid) => !changes.has(oid));
}
