import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, mileageRates } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { getRateInForce, listRateHistory, parseRateInput, parseYearInput, setMileageRate } from "../../src/domain/rates.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

describe("parseRateInput", () => {
  it.each([
    ["0.725", 725],
    ["1", 1000],
    ["0.5", 500],
    [" 0.725 ", 725],
    ["$0.67", 670],
    ["$ 0.67", 670],
    [".5", 500],
    ["5", 5000],
    ["5.000", 5000],
    ["0.001", 1],
    ["0.7250", 725],
    ["00.725", 725],
    ["4.999", 4999],
    ["3.", 3000],
  ])("reads %j as %i thousandths", (input, expected) => {
    expect(parseRateInput(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["", "Enter the rate"],
    ["   ", "Enter the rate"],
    ["0", "more than $0"],
    ["0.000", "more than $0"],
    ["-0.5", "more than $0"],
    ["5.001", "cannot be more than $5"],
    ["725", "cannot be more than $5"],
    ["99999999999999999999", "cannot be more than $5"],
    ["0.7255", "three decimal places"],
    ["0.12345", "three decimal places"],
    ["abc", "as a number"],
    ["1e3", "as a number"],
    ["0x1", "as a number"],
    ["1.2.3", "as a number"],
    [".", "as a number"],
    ["0,725", "Use a point"],
    ["NaN", "as a number"],
    ["Infinity", "as a number"],
    ["+1", "as a number"],
    ["١", "as a number"],
  ])("refuses %j", (input, message) => {
    const parsed = parseRateInput(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe("parseYearInput", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  it("defaults to the current UTC year and accepts 2000 to next year", () => {
    expect(parseYearInput(undefined, now)).toEqual({ ok: true, value: 2026 });
    expect(parseYearInput(" ", now)).toEqual({ ok: true, value: 2026 });
    expect(parseYearInput("2000", now)).toEqual({ ok: true, value: 2000 });
    expect(parseYearInput("2027", now)).toEqual({ ok: true, value: 2027 });
  });
  it.each(["1999", "2028", "99999", "20x6", "-2026", "2026.0", "0"])("refuses %j", (input) => {
    const parsed = parseYearInput(input, now);
    expect(parsed).toEqual({ ok: false, message: "Enter a year from 2000 to 2027." });
  });
});

describe("setMileageRate and the history", () => {
  let database: TestDatabase;
  let alex: Actor;
  let other: Actor;
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    database = await createTestDatabase();
    const contoso = await createOrganization(database.db, { name: "Contoso", domain: "contoso.example" });
    const fabrikam = await createOrganization(database.db, { name: "Fabrikam", domain: "fabrikam.example" });
    const a = await findPersonByAddress(database.db, "admin@contoso.example");
    const b = await findPersonByAddress(database.db, "admin@fabrikam.example");
    alex = { personId: a!.id, orgId: contoso.id, name: a!.displayName };
    other = { personId: b!.id, orgId: fabrikam.id, name: b!.displayName };
  });
  afterAll(() => database.close());

  it("records each change with the previous rate, the person and an audit event", async () => {
    expect(await getRateInForce(database.db, alex.orgId)).toBeNull();
    expect(await setMileageRate(database.db, alex, { rate: "0.67" })).toEqual({ ok: true, change: { year, rateMilli: 670, previousRateMilli: null } });
    expect(await setMileageRate(database.db, alex, { rate: "0.725", year: String(year) })).toEqual({
      ok: true,
      change: { year, rateMilli: 725, previousRateMilli: 670 },
    });
    expect(await getRateInForce(database.db, alex.orgId)).toBe(725);

    const history = await listRateHistory(database.db, alex.orgId);
    expect(history.map((h) => [h.year, h.previousRateMilli, h.rateMilli, h.setByName])).toEqual([
      [year, 670, 725, "Admin of Contoso"],
      [year, null, 670, "Admin of Contoso"],
    ]);
    const audits = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, alex.orgId), eq(auditEvents.action, "rate.change")))
      .orderBy(auditEvents.id);
    expect(audits.map((e) => [e.actorId, e.detail])).toEqual([
      [alex.personId, { year, oldRateMilli: null, newRateMilli: 670 }],
      [alex.personId, { year, oldRateMilli: 670, newRateMilli: 725 }],
    ]);
  });

  it("keeps years and organizations apart", async () => {
    await setMileageRate(database.db, alex, { rate: "0.7", year: String(year + 1) });
    expect(await getRateInForce(database.db, alex.orgId, year + 1)).toBe(700);
    expect(await getRateInForce(database.db, alex.orgId, year)).toBe(725);
    expect(await getRateInForce(database.db, other.orgId)).toBeNull();
    expect(await listRateHistory(database.db, other.orgId)).toEqual([]);
  });

  it("refuses bad input and an unchanged rate without writing anything", async () => {
    const before = (await database.db.select().from(mileageRates)).length;
    expect(await setMileageRate(database.db, alex, { rate: "7.25", year: "1900" })).toEqual({
      ok: false,
      errors: { rate: "The rate cannot be more than $5 per mile.", year: `Enter a year from 2000 to ${year + 1}.` },
    });
    const same = await setMileageRate(database.db, alex, { rate: "$0.7250" });
    expect(same.ok).toBe(false);
    if (!same.ok) expect(same.errors.rate).toContain("already this amount");
    expect((await database.db.select().from(mileageRates)).length).toBe(before);
  });

  it("serializes concurrent changes: each row's previous rate is the one it replaced", async () => {
    const results = await Promise.all(["1.1", "1.2", "1.3", "1.4"].map((rate) => setMileageRate(database.db, other, { rate })));
    expect(results.every((r) => r.ok)).toBe(true);
    const history = (await listRateHistory(database.db, other.orgId)).reverse();
    expect(history[0]!.previousRateMilli).toBeNull();
    for (let i = 1; i < history.length; i++) expect(history[i]!.previousRateMilli).toBe(history[i - 1]!.rateMilli);
  });
});
