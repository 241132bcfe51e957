// Looking people up in the directory cache.
import { and, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople } from "../db/schema.js";

const normalize = (value: string) => value.trim().normalize("NFC").toLowerCase();

/** A person whose mail or user principal name is this address (ignoring case), optionally in one org. */
export async function findPersonByAddress(db: Db, address: string, orgId?: string) {
  const norm = normalize(address);
  if (!norm) return undefined;
  const [person] = await db
    .select()
    .from(directoryPeople)
    .where(and(
      or(eq(directoryPeople.mailNorm, norm), eq(directoryPeople.upnNorm, norm)),
      orgId ? eq(directoryPeople.orgId, orgId) : undefined,
      isNull(directoryPeople.removedAt),
    ))
    .limit(1);
  return person;
}
