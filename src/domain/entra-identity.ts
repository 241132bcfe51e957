// Turning a validated Entra ID token into our organization and directory person. Identity is
// keyed on tenant id + object id, never on an address alone. An organization is created only
// when its first Business Administrator signs in.
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { auditEvents, directoryPeople, organizations } from "../db/schema.js";
import { newId } from "../ids.js";
import { normalizeAddressOrNull } from "./addresses.js";

/** What a validated ID token tells us about the person signing in (src/auth/entra.ts checks it). */
export type EntraIdentity = {
  tenantId: string;
  objectId: string;
  username: string | null;
  email: string | null;
  name: string | null;
  roles: string[];
};

export type EntraSignInResult =
  | { ok: true; personId: string; orgId: string; orgCreated: boolean; roles: string[] }
  | { ok: false; reason: "no-organization"; isAdmin: boolean; domain: string | null };

const domainOf = (address: string | null) => {
  const at = address?.lastIndexOf("@") ?? -1;
  return address && at > 0
    ? address
        .slice(at + 1)
        .trim()
        .toLowerCase() || null
    : null;
};

/** Session roles: the configured Entra app role becomes our "admin"; other roles are not carried. */
export function sessionRolesFor(identity: { roles: string[] }, adminRole: string): string[] {
  return identity.roles.includes(adminRole) ? ["admin"] : [];
}

export async function signInWithEntraIdentity(db: Db, identity: EntraIdentity, input: { adminRole: string }): Promise<EntraSignInResult> {
  const roles = sessionRolesFor(identity, input.adminRole);
  const isAdmin = roles.includes("admin");
  const domain = domainOf(identity.email) ?? domainOf(identity.username);
  let [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.tenantId, identity.tenantId));
  let orgCreated = false;
  if (!org) {
    if (!isAdmin) return { ok: false, reason: "no-organization", isAdmin, domain };
    org = await createOrganization(db, identity.tenantId, domain);
    orgCreated = true;
  }
  const personId = await upsertSignedInPerson(db, org.id, identity);
  if (orgCreated) {
    await db.write((tx) =>
      tx.insert(auditEvents).values({
        id: newId(),
        orgId: org.id,
        actorId: personId,
        action: "organization.created",
        subject: domain ?? identity.tenantId,
        detail: { tenantId: identity.tenantId, via: "entra-sign-in" },
      }),
    );
  }
  return { ok: true, personId, orgId: org.id, orgCreated, roles };
}

/** Named after the admin's domain; two tenants sharing a name get the tenant id appended. */
async function createOrganization(db: Db, tenantId: string, domain: string | null) {
  const base = domain ?? `Tenant ${tenantId.slice(0, 8)}`;
  return db.write(async (tx) => {
    for (const name of [base, `${base} (${tenantId.slice(0, 8)})`, `${base} (${tenantId})`]) {
      await tx
        .insert(organizations)
        .values({ id: newId(), tenantId, name, domains: domain ? [domain] : [] })
        .onConflictDoNothing();
      // A concurrent sign-in of the same tenant may have won the race: either way, read it back.
      const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.tenantId, tenantId));
      if (org) return org;
    }
    throw new Error(`could not create an organization for tenant ${tenantId}`);
  });
}

async function upsertSignedInPerson(db: Db, orgId: string, identity: EntraIdentity): Promise<string> {
  const upnNorm = normalizeAddressOrNull(identity.username);
  const now = new Date();
  return db.write(async (tx) => {
    // The same person may already be here from a CSV import (no object id yet) under this UPN.
    const [existing] = await tx
      .select({ id: directoryPeople.id, mail: directoryPeople.mail, displayName: directoryPeople.displayName })
      .from(directoryPeople)
      .where(
        and(
          eq(directoryPeople.orgId, orgId),
          or(
            eq(directoryPeople.entraObjectId, identity.objectId),
            upnNorm ? and(isNull(directoryPeople.entraObjectId), eq(directoryPeople.upnNorm, upnNorm)) : undefined,
          ),
        ),
      )
      .orderBy(sql`${directoryPeople.entraObjectId} is null`)
      .limit(1);
    const personId = existing?.id ?? newId();
    // A UPN held by another row is stale (UPNs are unique in a tenant at any moment): release it.
    if (upnNorm) {
      await tx
        .update(directoryPeople)
        .set({ upnNorm: null })
        .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.upnNorm, upnNorm), ne(directoryPeople.id, personId)));
    }
    const mail = identity.email ?? existing?.mail ?? (identity.username?.includes("@") ? identity.username : null);
    const displayName = identity.name ?? existing?.displayName ?? identity.username ?? "";
    // Signing in proves the account exists and is enabled right now.
    const values = {
      entraObjectId: identity.objectId,
      userPrincipalName: identity.username,
      upnNorm,
      mail,
      mailNorm: normalizeAddressOrNull(mail),
      displayName,
      displayNorm: normalizeAddressOrNull(displayName) ?? "",
      accountEnabled: true,
      removedAt: null,
      updatedAt: now,
    };
    if (existing) await tx.update(directoryPeople).set(values).where(eq(directoryPeople.id, personId));
    else await tx.insert(directoryPeople).values({ id: personId, orgId, ...values });
    return personId;
  });
}
