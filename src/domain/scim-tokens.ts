// The organization's SCIM secret token (Settings → Provisioning). 32 random bytes shown once;
// only its SHA-256 is stored (like session tokens). Generating a new one replaces the old in one
// statement, so the old stops working at once. A request with the token finds its organization.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { preparedQuery } from "../db/prepared.js";
import { directoryPeople, scimTokens, scimUsers } from "../db/schema.js";
import { newToken, sha256Hex } from "../ids.js";
import type { Actor } from "./actor.js";
import { auditActor, recordAudit } from "./audit.js";

/** Last-used times are written at most this often per token (a provisioning cycle sends thousands of requests). */
const LAST_USED_EVERY_MS = 60_000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type ScimTokenHolder = { orgId: string; lastUsedAt: Date | null };
export type ProvisioningStatus = {
  token: { createdAt: Date; createdByName: string | null; lastUsedAt: Date | null } | null;
  provisionedUsers: number;
};

/** A new token for the actor's organization, replacing any earlier one. Answers the token (shown once). */
export async function issueScimToken(db: Db, actor: Actor): Promise<string> {
  const token = newToken();
  const now = new Date();
  await db.write(async (tx) => {
    const [earlier] = await tx.select({ orgId: scimTokens.orgId }).from(scimTokens).where(eq(scimTokens.orgId, actor.orgId));
    await tx
      .insert(scimTokens)
      .values({ orgId: actor.orgId, tokenHash: sha256Hex(token), createdBy: actor.personId, createdAt: now, lastUsedAt: null })
      .onConflictDoUpdate({ target: scimTokens.orgId, set: { tokenHash: sha256Hex(token), createdBy: actor.personId, createdAt: now, lastUsedAt: null } });
    await recordAudit(tx, { orgId: actor.orgId, ...auditActor(actor), action: "scim.token", detail: { replaced: Boolean(earlier) } });
  });
  return token;
}

/** The organization a bearer token belongs to, or null for anything that is not a current token. */
export async function findScimTokenHolder(db: Db, token: string): Promise<ScimTokenHolder | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  // Every provisioning request asks: the query is built once.
  const [row] = await preparedQuery(db, "scim-token", () =>
    db
      .select({ orgId: scimTokens.orgId, lastUsedAt: scimTokens.lastUsedAt })
      .from(scimTokens)
      .where(eq(scimTokens.tokenHash, sql.placeholder("hash")))
      .prepare(),
  ).all({ hash: sha256Hex(token) });
  return row ?? null;
}

/** Records that the token was used, unless that was recorded in the last minute. */
export async function touchScimToken(db: Db, holder: ScimTokenHolder, now = new Date()): Promise<void> {
  if (holder.lastUsedAt && now.getTime() - holder.lastUsedAt.getTime() < LAST_USED_EVERY_MS) return;
  await db.write((tx) => tx.update(scimTokens).set({ lastUsedAt: now }).where(eq(scimTokens.orgId, holder.orgId)));
}

export async function getProvisioningStatus(db: Db, orgId: string): Promise<ProvisioningStatus> {
  const [token] = await db
    .select({ createdAt: scimTokens.createdAt, lastUsedAt: scimTokens.lastUsedAt, createdByName: directoryPeople.displayName })
    .from(scimTokens)
    .leftJoin(directoryPeople, eq(directoryPeople.id, scimTokens.createdBy))
    .where(eq(scimTokens.orgId, orgId));
  const [users] = await db.select({ n: sql<number>`count(*)` }).from(scimUsers).where(eq(scimUsers.orgId, orgId));
  return { token: token ?? null, provisionedUsers: Number(users?.n ?? 0) };
}
