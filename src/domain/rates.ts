// The organization's mileage rate, in integer thousandths of a dollar per mile. Every change is
// a new row (the history), written with its audit event in one transaction.
import { and, desc, eq } from "drizzle-orm";
import type { Db, Queryable } from "../db/client.js";
import { directoryPeople, mileageRates } from "../db/schema.js";
import { pickColumns } from "../db/columns.js";
import { newId } from "../ids.js";
import type { Actor } from "./actor.js";
import { auditActor, recordAudit } from "./audit.js";

/** $5.000 per mile: well above any real reimbursement rate, so a typo (7.25 for 0.725) is caught. */
export const MAX_RATE_MILLI = 5000;
export const MIN_YEAR = 2000;

/** The rate in force for a year (the latest one set), or null when the organization set none. */
export async function getRateInForce(db: Queryable, orgId: string, year = new Date().getUTCFullYear()): Promise<number | null> {
  const [row] = await rateInForceQuery(db, orgId, year);
  return row?.rateMilli ?? null;
}

/** The query behind getRateInForce: run it, or embed it in another as a scalar subquery. */
export function rateInForceQuery(db: Queryable, orgId: string, year: number) {
  return db
    .select({ rateMilli: mileageRates.rateMilli })
    .from(mileageRates)
    .where(and(eq(mileageRates.orgId, orgId), eq(mileageRates.year, year)))
    .orderBy(desc(mileageRates.createdAt), desc(mileageRates.id))
    .limit(1);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Dollars per mile as typed ("0.725", " $0.67 ", "1", ".5") into integer thousandths, read as a
 * string so no float ever touches money. Trailing zeros past the third place are the same
 * amount ("0.7250" is 725); any other fourth decimal is refused.
 */
export function parseRateInput(input: string): Parsed<number> {
  const text = input.trim().replace(/^\$\s*/, "");
  if (text === "") return { ok: false, message: "Enter the rate in dollars per mile, for example 0.725." };
  if (/^-/.test(text)) return { ok: false, message: "The rate must be more than $0 per mile." };
  if (/^\d*,\d+$/.test(text)) return { ok: false, message: "Use a point for the decimals, for example 0.725." };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[1] === "" && !match[2])) {
    return { ok: false, message: "Enter the rate as a number of dollars per mile, for example 0.725." };
  }
  const whole = match[1]!.replace(/^0+/, "");
  const decimals = (match[2] ?? "").replace(/0+$/, "");
  if (decimals.length > 3) return { ok: false, message: "Use at most three decimal places (thousandths of a dollar), for example 0.725." };
  if (whole.length > 4) return { ok: false, message: "The rate cannot be more than $5 per mile." };
  const rateMilli = Number(whole || "0") * 1000 + Number(decimals.padEnd(3, "0"));
  if (rateMilli === 0) return { ok: false, message: "The rate must be more than $0 per mile." };
  if (rateMilli > MAX_RATE_MILLI) return { ok: false, message: "The rate cannot be more than $5 per mile." };
  return { ok: true, value: rateMilli };
}

/** A year for a rate: empty means the current UTC year; accepted from 2000 to next year. */
export function parseYearInput(input: string | undefined, now = new Date()): Parsed<number> {
  const current = now.getUTCFullYear();
  const text = (input ?? "").trim();
  if (text === "") return { ok: true, value: current };
  const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
  if (!(year >= MIN_YEAR && year <= current + 1)) {
    return { ok: false, message: `Enter a year from ${MIN_YEAR} to ${current + 1}.` };
  }
  return { ok: true, value: year };
}

export type RateInput = { rate: string; year?: string | undefined };
export type RateChange = { year: number; rateMilli: number; previousRateMilli: number | null };
export type RateErrors = { rate?: string; year?: string };
export type SetRateResult = { ok: true; change: RateChange } | { ok: false; errors: RateErrors };

/** Sets the rate for a year: a new mileage_rates row and a "rate.change" audit event, together. */
export async function setMileageRate(db: Db, actor: Actor, input: RateInput): Promise<SetRateResult> {
  const rate = parseRateInput(input.rate);
  const year = parseYearInput(input.year);
  if (!rate.ok || !year.ok) {
    return { ok: false, errors: { ...(!rate.ok ? { rate: rate.message } : {}), ...(!year.ok ? { year: year.message } : {}) } };
  }
  // A write transaction from the start (BEGIN IMMEDIATE): two admins saving at once are serialized,
  // so each row's previous rate is the one it really replaced.
  return db.write(async (tx): Promise<SetRateResult> => {
    const previous = await getRateInForce(tx, actor.orgId, year.value);
    if (previous === rate.value) {
      return { ok: false, errors: { rate: `The ${year.value} rate is already this amount; nothing was changed.` } };
    }
    await tx.insert(mileageRates).values({
      id: newId(),
      orgId: actor.orgId,
      year: year.value,
      rateMilli: rate.value,
      previousRateMilli: previous,
      setBy: actor.personId,
    });
    await recordAudit(tx, {
      orgId: actor.orgId,
      ...auditActor(actor),
      action: "rate.change",
      detail: { year: year.value, oldRateMilli: previous, newRateMilli: rate.value },
    });
    return { ok: true, change: { year: year.value, rateMilli: rate.value, previousRateMilli: previous } };
  });
}

/** One change of the rate, with who made it. */
export type RateHistoryEntry = {
  id: string;
  year: number;
  rateMilli: number;
  previousRateMilli: number | null;
  setByName: string | null;
  createdAt: Date;
};

/** Every change, newest first (a handful a year, so one bounded page is enough). */
export async function listRateHistory(db: Db, orgId: string, limit = 100): Promise<RateHistoryEntry[]> {
  return db
    .select({ ...pickColumns(mileageRates, ["id", "year", "rateMilli", "previousRateMilli", "createdAt"]), setByName: directoryPeople.displayName })
    .from(mileageRates)
    .leftJoin(directoryPeople, and(eq(directoryPeople.id, mileageRates.setBy), eq(directoryPeople.orgId, mileageRates.orgId)))
    .where(eq(mileageRates.orgId, orgId))
    .orderBy(desc(mileageRates.createdAt), desc(mileageRates.id))
    .limit(limit);
}
