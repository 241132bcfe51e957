// Looking people up in the directory cache.
import { and, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople } from "../db/schema.js";
import { normalizeAddress } from "./addresses.js";

/** A person whose mail or user principal name is this address (ignoring case), optionally in one org. */
export async function findPersonByAddress(db: Db, address: string, orgId?: string) {
  const norm = normalizeAddress(address);
  if (!norm) return undefined;
  const [person] = await db
    .select()
    .from(directoryPeople)
    .where(
      and(
        or(eq(directoryPeople.mailNorm, norm), eq(directoryPeople.upnNorm, norm)),
        orgId ? eq(directoryPeople.orgId, orgId) : undefined,
        isNull(directoryPeople.removedAt),
      ),
    )
    .limit(1);
  return person;
}

/** Whether anyone is in any organization's directory: local sign-in has someone to sign in as. */
export async function hasDirectoryPeople(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: directoryPeople.id }).from(directoryPeople).where(isNull(directoryPeople.removedAt)).limit(1);
  return row !== undefined;
}
