// Keeping an organization's directory in step with Entra ID through Graph /users/delta, and its
// security and Microsoft 365 groups through /groups/delta (directory-groups-*.ts).
// A directory_syncs row is both the record shown to admins and the lease: a `running` row
// whose locked_until is in the future means some process is syncing that organization.
// Both rounds are downloaded completely before anything is written, so a sync that fails while
// talking to Graph changes nothing; see directory-delta.ts for how people are written. Groups are
// written first: their members' eligibility follows the people by triggers, whatever the order.
import { and, desc, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { auditEvents, directorySyncs, organizations } from "../db/schema.js";
import { newId } from "../ids.js";
import type { GraphClient } from "../integrations/graph.js";
import { addGraphUser, applyDirectoryChanges, type DeltaCounts, type PersonChange } from "./directory-delta.js";
import { downloadGroupsOrSkip, type GroupsRound } from "./directory-groups-delta.js";
import { applyGroupsRound } from "./directory-groups-write.js";

export type SyncTrigger = "schedule" | "manual" | "sign-in";
export type DirectorySyncResult =
  | ({ status: "succeeded"; syncId: string; full: boolean } & DeltaCounts)
  | { status: "failed"; syncId: string; message: string }
  | { status: "skipped"; reason: "busy" | "not-due" };
export type DirectorySyncRow = typeof directorySyncs.$inferSelect;

/** Renewed every 30 s and before every wait for Graph, which can last up to two minutes. */
const LEASE_MS = 5 * 60 * 1000;

/** Marks syncs whose process died (lease run out) as failed, so they neither block nor linger as "running". */
async function expireAbandonedSyncs(db: Db, orgId: string, now: Date) {
  await db.write((tx) =>
    tx
      .update(directorySyncs)
      .set({
        status: "failed",
        message: "Interrupted: the server stopped before the sync finished. The next sync starts again from the last completed one.",
        finishedAt: now,
        lockedUntil: null,
      })
      .where(and(eq(directorySyncs.orgId, orgId), eq(directorySyncs.status, "running"), lte(directorySyncs.lockedUntil, now))),
  );
}

/**
 * Takes the organization's lease with one conditional statement: a queued "Sync now" request
 * becomes the running sync, or a new running row is inserted. Null when another is running (or,
 * with `notStartedSince`, when a sync already started after that moment).
 */
async function claimDirectorySync(db: Db, orgId: string, trigger: SyncTrigger, notStartedSince?: Date): Promise<string | null> {
  const now = new Date();
  await expireAbandonedSyncs(db, orgId, now);
  const lockedUntil = now.getTime() + LEASE_MS;
  const recent = notStartedSince ? sql`OR (status <> 'queued' AND created_at > ${notStartedSince.getTime()})` : sql``;
  const free = sql`NOT EXISTS (SELECT 1 FROM directory_syncs WHERE org_id = ${orgId} AND ((status = 'running' AND locked_until > ${now.getTime()}) ${recent}))`;
  const queued = await db.write((tx) =>
    tx.run(sql`UPDATE directory_syncs SET status = 'running', locked_until = ${lockedUntil}, created_at = ${now.getTime()}
    WHERE id = (SELECT id FROM directory_syncs WHERE org_id = ${orgId} AND status = 'queued' ORDER BY created_at LIMIT 1) AND ${free} RETURNING id`),
  );
  if (queued.rows[0]) return String(queued.rows[0].id);
  const id = newId();
  const inserted = await db.write((tx) =>
    tx.run(sql`INSERT INTO directory_syncs (id, org_id, status, "trigger", locked_until, created_at)
    SELECT ${id}, ${orgId}, 'running', ${trigger}, ${lockedUntil}, ${now.getTime()} WHERE ${free}`),
  );
  return inserted.rowsAffected === 1 ? id : null;
}

export async function syncDirectory(
  db: Db,
  org: { id: string },
  graph: GraphClient,
  trigger: SyncTrigger,
  options: { signal?: AbortSignal; notStartedSince?: Date } = {},
): Promise<DirectorySyncResult> {
  const syncId = await claimDirectorySync(db, org.id, trigger, options.notStartedSince);
  if (!syncId) return { status: "skipped", reason: options.notStartedSince ? "not-due" : "busy" };
  const [row] = await db
    .select({ deltaLink: organizations.directoryDeltaLink, groupsDeltaLink: organizations.groupsDeltaLink, requestedBy: directorySyncs.requestedBy })
    .from(directorySyncs)
    .innerJoin(organizations, eq(organizations.id, directorySyncs.orgId))
    .where(eq(directorySyncs.id, syncId));
  const actorId = row?.requestedBy ?? null;
  let leaseRenewedAt = Date.now();
  const heartbeat = async (force = false) => {
    if (!force && Date.now() - leaseRenewedAt < 30_000) return;
    leaseRenewedAt = Date.now();
    await db.write((tx) =>
      tx
        .update(directorySyncs)
        .set({ lockedUntil: new Date(leaseRenewedAt + LEASE_MS) })
        .where(eq(directorySyncs.id, syncId)),
    );
  };

  const changes = new Map<string, PersonChange>();
  let round: { deltaLink: string; full: boolean };
  let groups: GroupsRound | { skipped: string };
  try {
    round = await graph.readUsersDelta(row?.deltaLink ?? null, {
      signal: options.signal,
      onRestart: () => changes.clear(),
      onRetry: () => heartbeat(true),
      onPage: async (users) => {
        for (const user of users) addGraphUser(changes, user);
        await heartbeat();
      },
    });
    groups = await downloadGroupsOrSkip(db, org.id, graph, row?.groupsDeltaLink ?? null, {
      signal: options.signal,
      onRetry: () => heartbeat(true),
      heartbeat: () => heartbeat(),
    });
  } catch (error) {
    const message = options.signal?.aborted ? "Stopped: the server was shutting down. Nothing was changed." : (error as Error).message;
    await finishFailed(db, org.id, syncId, actorId, trigger, message);
    return { status: "failed", syncId, message };
  }

  try {
    const groupCounts = "plans" in groups ? await applyGroupsRound(db, org.id, groups, () => heartbeat()) : null;
    const message = [round.full ? "Full sync" : null, "skipped" in groups ? groups.skipped : null].filter(Boolean).join(". ") || null;
    const finishedAt = new Date();
    const counts = await applyDirectoryChanges(db, org.id, changes, {
      full: round.full,
      heartbeat: () => heartbeat(),
      finish: async (tx, c) => {
        await tx.update(organizations).set({ directoryDeltaLink: round.deltaLink }).where(eq(organizations.id, org.id));
        await tx
          .update(directorySyncs)
          .set({ status: "succeeded", added: c.added, updated: c.updated, removed: c.removed, message, finishedAt, lockedUntil: null })
          .where(eq(directorySyncs.id, syncId));
        await tx.insert(auditEvents).values({
          id: newId(),
          orgId: org.id,
          actorId,
          action: "directory.sync",
          subject: "succeeded",
          detail: { syncId, trigger, status: "succeeded", full: round.full, ...c, ...(groupCounts ? { groups: groupCounts } : { groupsSkipped: message }) },
        });
      },
    });
    return { status: "succeeded", syncId, full: round.full, ...counts };
  } catch (error) {
    const message = `Saving the directory failed: ${(error as Error).message}`;
    await finishFailed(db, org.id, syncId, actorId, trigger, message);
    return { status: "failed", syncId, message };
  }
}

async function finishFailed(db: Db, orgId: string, syncId: string, actorId: string | null, trigger: string, message: string) {
  await db.write(async (tx) => {
    await tx
      .update(directorySyncs)
      .set({ status: "failed", message: message.slice(0, 500), finishedAt: new Date(), lockedUntil: null })
      .where(eq(directorySyncs.id, syncId));
    await tx.insert(auditEvents).values({
      id: newId(),
      orgId,
      actorId,
      action: "directory.sync",
      subject: "failed",
      detail: { syncId, trigger, status: "failed", message: message.slice(0, 500) },
    });
  });
}

export type SyncRequestResult = { ok: true; syncId: string } | { ok: false; reason: "not-connected" };

/** "Sync now": queues a sync that the worker picks up (wake it after). An already waiting or running one is reused. */
export async function requestDirectorySync(db: Db, orgId: string, actorId: string): Promise<SyncRequestResult> {
  const [org] = await db.select({ tenantId: organizations.tenantId }).from(organizations).where(eq(organizations.id, orgId));
  if (!org?.tenantId) return { ok: false, reason: "not-connected" };
  await expireAbandonedSyncs(db, orgId, new Date());
  const [waiting] = await db
    .select({ id: directorySyncs.id })
    .from(directorySyncs)
    .where(and(eq(directorySyncs.orgId, orgId), inArray(directorySyncs.status, ["queued", "running"])))
    .limit(1);
  if (waiting) return { ok: true, syncId: waiting.id };
  const id = newId();
  await db.write((tx) => tx.insert(directorySyncs).values({ id, orgId, status: "queued", trigger: "manual", requestedBy: actorId }));
  return { ok: true, syncId: id };
}

export type LastDirectorySync = { latest: DirectorySyncRow; lastSucceededAt: Date | null };

/** The newest sync (queued, running or finished) and when the directory last synced successfully. */
export async function getLastDirectorySync(db: Db, orgId: string): Promise<LastDirectorySync | null> {
  const [latest] = await db
    .select()
    .from(directorySyncs)
    .where(eq(directorySyncs.orgId, orgId))
    .orderBy(desc(directorySyncs.startedAt), desc(directorySyncs.id))
    .limit(1);
  if (!latest) return null;
  const [ok] =
    latest.status === "succeeded"
      ? [latest]
      : await db
          .select()
          .from(directorySyncs)
          .where(and(eq(directorySyncs.orgId, orgId), eq(directorySyncs.status, "succeeded")))
          .orderBy(desc(directorySyncs.startedAt))
          .limit(1);
  return { latest, lastSucceededAt: ok?.finishedAt ?? null };
}

/** Organizations the worker should look at: a waiting "Sync now", or (schedule on) a tenant not synced lately. */
export async function findOrganizationsToSync(db: Db, input: { intervalMinutes: number; now?: Date }) {
  const now = input.now ?? new Date();
  const queued = await db.selectDistinct({ id: directorySyncs.orgId }).from(directorySyncs).where(eq(directorySyncs.status, "queued"));
  if (input.intervalMinutes <= 0) return { queued: queued.map((r) => r.id), due: [] as string[] };
  const since = now.getTime() - input.intervalMinutes * 60_000;
  const due = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(
      and(
        sql`${organizations.tenantId} IS NOT NULL`,
        sql`NOT EXISTS (SELECT 1 FROM directory_syncs s WHERE s.org_id = ${organizations.id}
      AND s.status <> 'queued' AND (s.created_at > ${since} OR (s.status = 'running' AND s.locked_until > ${now.getTime()})))`,
      ),
    );
  return { queued: queued.map((r) => r.id), due: due.map((r) => r.id) };
}
