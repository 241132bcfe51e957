// The organization's mileage rate, in integer thousandths of a dollar per mile.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { mileageRates } from "../db/schema.js";
import type { Tx } from "./audit.js";

/** The rate in force for a year (the latest one set), or null when the organization set none. */
export async function getRateInForce(db: Db | Tx, orgId: string, year = new Date().getUTCFullYear()): Promise<number | null> {
  const [row] = await db.select({ rateMilli: mileageRates.rateMilli }).from(mileageRates)
    .where(and(eq(mileageRates.orgId, orgId), eq(mileageRates.year, year)))
    .orderBy(desc(mileageRates.createdAt), desc(mileageRates.id)).limit(1);
  return row?.rateMilli ?? null;
}
