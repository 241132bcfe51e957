// Sessions: a random token in an httpOnly cookie; only its SHA-256 is stored. A session lives
// SESSION_MAX_HOURS from sign-in and is never extended: then the person signs in again, and the
// Business Administrator role is read afresh from the directory or the ID token (a role removed
// in Entra takes effect by then). Expired sessions are deleted by a job (session-cleanup-worker.ts).
import { and, eq, gt, lt, or, sql } from "drizzle-orm";
import { preparedQuery } from "../db/prepared.js";
import type { Db } from "../db/client.js";
import { directoryPeople, organizations, sessions } from "../db/schema.js";
import { newToken, sha256Hex } from "../ids.js";

const HOUR_MS = 60 * 60 * 1000;

/** How long sessions live (SESSION_MAX_HOURS). */
export type SessionLifetime = { maxHours: number };

export type SessionIdentity = {
  sessionId: string;
  expiresAt: Date;
  roles: string[];
  isAdmin: boolean;
  person: { id: string; displayName: string; email: string };
  org: { id: string; name: string };
};

export async function createSession(db: Db, input: { personId: string; orgId: string; roles: string[] }, lifetime: SessionLifetime) {
  const token = newToken();
  const now = Date.now();
  const expiresAt = new Date(now + lifetime.maxHours * HOUR_MS);
  await db.write((tx) =>
    tx.insert(sessions).values({ id: sha256Hex(token), personId: input.personId, orgId: input.orgId, roles: input.roles, expiresAt, createdAt: new Date(now) }),
  );
  return { token, expiresAt };
}

/** The session of a token: unknown, expired, or older than the lifetime (also one issued under a longer one) is null. */
export async function validateSessionToken(db: Db, token: string, lifetime: SessionLifetime): Promise<SessionIdentity | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = sha256Hex(token);
  const now = Date.now();
  const bornAfter = now - lifetime.maxHours * HOUR_MS;
  const [row] = await preparedQuery(db, "session", () =>
    db
      .select({
        expiresAt: sessions.expiresAt,
        roles: sessions.roles,
        personId: directoryPeople.id,
        displayName: directoryPeople.displayName,
        mail: directoryPeople.mail,
        upn: directoryPeople.userPrincipalName,
        enabled: directoryPeople.accountEnabled,
        removedAt: directoryPeople.removedAt,
        orgId: organizations.id,
        orgName: organizations.name,
      })
      .from(sessions)
      .innerJoin(directoryPeople, eq(directoryPeople.id, sessions.personId))
      .innerJoin(organizations, eq(organizations.id, sessions.orgId))
      .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now")), gt(sessions.createdAt, sql.placeholder("bornAfter"))))
      .prepare(),
  ).all({ id, now, bornAfter });
  if (!row) return null;
  // A disabled or removed directory account loses its sessions at once.
  if (!row.enabled || row.removedAt) {
    await invalidateSession(db, id);
    return null;
  }
  return {
    sessionId: id,
    expiresAt: row.expiresAt,
    roles: row.roles,
    isAdmin: row.roles.includes("admin"),
    person: { id: row.personId, displayName: row.displayName, email: row.mail ?? row.upn ?? "" },
    org: { id: row.orgId, name: row.orgName },
  };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.write((tx) => tx.delete(sessions).where(eq(sessions.id, sessionId)));
}

/** Deletes the sessions past their expiry or older than the lifetime; answers how many. */
export async function deleteExpiredSessions(db: Db, lifetime: SessionLifetime, now = Date.now()): Promise<number> {
  const deleted = await db.write((tx) =>
    tx
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, new Date(now)), lt(sessions.createdAt, new Date(now - lifetime.maxHours * HOUR_MS))))
      .returning({ id: sessions.id }),
  );
  return deleted.length;
}
