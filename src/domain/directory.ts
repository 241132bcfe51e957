// The directory cache: organizations and their people, from an Entra "Download users" CSV
// (directory-csv.ts, for the directory:import command and the demo seed) or from Graph
// (directory-sync.ts).
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { guardEq } from "../db/filters.js";
import { directoryPeople, organizations } from "../db/schema.js";
import { newId } from "../ids.js";
import { yieldToEventLoop } from "../event-loop.js";
import type { Tx } from "../db/client.js";
import { normalizeAddressOrNull } from "./addresses.js";
import { NORMALIZED_COLUMNS, normalizedCopies } from "./directory-person.js";
import { PERSON_FIELDS, type PersonFields } from "../db/directory-person.js";
import { archiveLeavers, type Leaver } from "./leavers.js";
import { refreshMembersFromDirectory } from "./member-directory.js";

/** A person as a CSV import gives them (no userPrincipalName: the mail stands in). */
export type DirectoryPersonInput = { entraObjectId: string | null } & PersonFields;

export async function findOrCreateOrganization(db: Tx, input: { name: string; domains: string[]; tenantId?: string }) {
  const [existing] = await db.select().from(organizations).where(eq(organizations.name, input.name));
  if (existing) return existing;
  const [created] = await db
    .insert(organizations)
    .values({ id: newId(), name: input.name, domains: input.domains, tenantId: input.tenantId ?? null })
    .onConflictDoNothing()
    .returning();
  return created ?? (await db.select().from(organizations).where(eq(organizations.name, input.name)))[0]!;
}

const CHUNK = 400;
const updatable = ["entraObjectId", ...PERSON_FIELDS, "removedAt", ...Object.values(NORMALIZED_COLUMNS), "updatedAt"] as const;
/** `SET col = excluded.col` for every column a directory update may change. */
const excludedColumns = Object.fromEntries(updatable.map((key) => [key, sql.raw(`excluded.${directoryPeople[key].name}`)]));

/**
 * Upserts by object id (or UPN where there is none), a few hundred rows a statement. A person
 * whose account becomes disabled has left: their members are archived (leavers.ts). Answers the
 * counts and the ids of everyone written (a full import removes the others).
 */
export async function upsertDirectoryPeople(db: Tx, orgId: string, people: DirectoryPersonInput[]) {
  let added = 0;
  let updated = 0;
  let archived = 0;
  const written = new Set<string>();
  for (let start = 0; start < people.length; start += CHUNK) {
    const chunk = people.slice(start, start + CHUNK);
    const upns = chunk.map((p) => normalizeAddressOrNull(p.userPrincipalName ?? p.mail)).filter((v): v is string => !!v);
    const oids = chunk.map((p) => p.entraObjectId).filter((v): v is string => !!v);
    // Each list through its own (org_id, …) index: the two lists OR-ed in one statement walked
    // the organization's people (SQLite searched by org_id alone).
    const known = (condition: SQL) =>
      db
        .select()
        .from(directoryPeople)
        .where(and(eq(directoryPeople.orgId, orgId), condition));
    const found = [...(await known(inArray(directoryPeople.upnNorm, upns))), ...(oids.length ? await known(inArray(directoryPeople.entraObjectId, oids)) : [])];
    // A person found by both lists is one row.
    const existing = [...new Map(found.map((e) => [e.id, e])).values()];
    const byOid = new Map(existing.filter((e) => e.entraObjectId).map((e) => [e.entraObjectId!, e]));
    const byUpn = new Map(existing.filter((e) => e.upnNorm).map((e) => [e.upnNorm!, e]));
    /** People already known whose entry changes: counted as updated, and their members' copies follow. */
    const changed: string[] = [];
    const leavers: Leaver[] = [];
    const rows = chunk.map((p) => {
      const upnNorm = normalizeAddressOrNull(p.userPrincipalName ?? p.mail);
      const before = (p.entraObjectId && byOid.get(p.entraObjectId)) || (upnNorm && byUpn.get(upnNorm)) || null;
      const id = before?.id ?? null;
      if (!before) added++;
      else if (!sameEntry(before, p)) {
        updated++;
        changed.push(before.id);
        if (before.removedAt === null && before.accountEnabled && !p.accountEnabled) leavers.push({ personId: before.id, reason: "disabled" });
      }
      const personId = id ?? newId();
      written.add(personId);
      // Only the directory's fields: the caller's object may carry others (a CSV row's line).
      const person = {
        mail: p.mail,
        userPrincipalName: p.userPrincipalName ?? p.mail,
        displayName: p.displayName,
        givenName: p.givenName,
        surname: p.surname,
        jobTitle: p.jobTitle,
        department: p.department,
        accountEnabled: p.accountEnabled,
      };
      return { id: personId, orgId, entraObjectId: p.entraObjectId, ...person, removedAt: null, ...normalizedCopies(person), updatedAt: new Date() };
    });
    await db.insert(directoryPeople).values(rows).onConflictDoUpdate({
      target: directoryPeople.id,
      set: excludedColumns,
    });
    await refreshMembersFromDirectory(db, orgId, changed);
    archived += await archiveLeavers(db, orgId, leavers);
    await yieldToEventLoop();
  }
  return { added, updated, archived, written };
}

/** Marks these people as having left the directory and archives their members. Answers how many members. */
export async function removeDirectoryPeople(db: Tx, orgId: string, personIds: string[]): Promise<number> {
  let archived = 0;
  const now = new Date();
  for (let start = 0; start < personIds.length; start += CHUNK) {
    const chunk = personIds.slice(start, start + CHUNK);
    await db
      .update(directoryPeople)
      .set({ removedAt: now, updatedAt: now })
      .where(and(inArray(directoryPeople.id, chunk), guardEq(directoryPeople.orgId, orgId), isNull(directoryPeople.removedAt)));
    archived += await archiveLeavers(
      db,
      orgId,
      chunk.map((personId) => ({ personId, reason: "left" })),
    );
    await yieldToEventLoop();
  }
  return archived;
}

/** The file says nothing new about this person (an import of the same file changes nobody). */
function sameEntry(before: typeof directoryPeople.$inferSelect, p: DirectoryPersonInput): boolean {
  return (
    before.removedAt === null &&
    before.entraObjectId === p.entraObjectId &&
    before.mail === p.mail &&
    before.userPrincipalName === (p.userPrincipalName ?? p.mail) &&
    before.displayName === p.displayName &&
    before.givenName === p.givenName &&
    before.surname === p.surname &&
    before.jobTitle === p.jobTitle &&
    before.department === p.department &&
    before.accountEnabled === p.accountEnabled
  );
}
