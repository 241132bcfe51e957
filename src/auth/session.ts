// Sessions: a random token in an httpOnly cookie; only its SHA-256 is stored. Sliding expiry:
// a session used in its second half is extended to the full 30 days.
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { preparedQuery } from "../db/prepared.js";
import type { Db } from "../db/client.js";
import { directoryPeople, organizations, sessions } from "../db/schema.js";
import { newToken, sha256Hex } from "../ids.js";

const SESSION_MS = 30 * 24 * 60 * 60 * 1000;

export type SessionIdentity = {
  sessionId: string;
  expiresAt: Date;
  /** The expiry moved forward on this request: the cookie must be written again. */
  renewed: boolean;
  roles: string[];
  isAdmin: boolean;
  person: { id: string; displayName: string; email: string };
  org: { id: string; name: string };
};

export async function createSession(db: Db, input: { personId: string; orgId: string; roles: string[] }) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + SESSION_MS);
  await db.insert(sessions).values({ id: sha256Hex(token), personId: input.personId, orgId: input.orgId, roles: input.roles, expiresAt });
  return { token, expiresAt };
}

export async function validateSessionToken(db: Db, token: string): Promise<SessionIdentity | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = sha256Hex(token);
  const now = Date.now();
  const [row] = await preparedQuery(db, "session", () => db
    .select({
      expiresAt: sessions.expiresAt, roles: sessions.roles, personId: directoryPeople.id,
      displayName: directoryPeople.displayName, mail: directoryPeople.mail, upn: directoryPeople.userPrincipalName,
      enabled: directoryPeople.accountEnabled, removedAt: directoryPeople.removedAt, orgId: organizations.id, orgName: organizations.name,
    })
    .from(sessions)
    .innerJoin(directoryPeople, eq(directoryPeople.id, sessions.personId))
    .innerJoin(organizations, eq(organizations.id, sessions.orgId))
    .where(and(eq(sessions.id, sql.placeholder("id")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare()).all({ id, now });
  if (!row) return null;
  // A disabled or removed directory account loses its sessions at once.
  if (!row.enabled || row.removedAt) {
    await invalidateSession(db, id);
    return null;
  }
  let expiresAt = row.expiresAt;
  const renewed = expiresAt.getTime() - now < SESSION_MS / 2;
  if (renewed) {
    expiresAt = new Date(now + SESSION_MS);
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
  }
  return {
    sessionId: id,
    expiresAt,
    renewed,
    roles: row.roles,
    isAdmin: row.roles.includes("admin"),
    person: { id: row.personId, displayName: row.displayName, email: row.mail ?? row.upn ?? "" },
    org: { id: row.orgId, name: row.orgName },
  };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function invalidatePersonSessions(db: Db, personId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.personId, personId));
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}
