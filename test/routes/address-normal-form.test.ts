// Addresses are compared in one normal form everywhere (trimmed, invisible characters stripped,
// NFC, lower case): the CSV check, the Invite form, both searches and the directory's own data.
// A decomposed (NFD) renée was "not an address" to the CSV check while its NFC twin passed, and a
// zero-width space, stripped by the CSV check, made the Invite form say "not in your
// organization's directory" and both searches find nobody.
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importRows, members } from "../../src/db/schema.js";
import { normalizeAddress } from "../../src/domain/addresses.js";
import { drainImports } from "../../src/jobs/import-worker.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { fuzzRuns } from "../support/fuzz.js";

const NFD = (s: string) => s.normalize("NFD");
const ZWSP = "\u200B";

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await createTestApp();
  await createOrganization(t.deps.db, {
    name: "Contoso",
    domain: "contoso.example",
    people: [
      { email: "admin@contoso.example", displayName: "Alex Admin", isAdmin: true },
      { email: "renée.u@contoso.example", displayName: "Renée Ullman", givenName: "Renée", surname: "Ullman" },
      { email: "zoe.w@contoso.example", displayName: "Zoe Walker", givenName: "Zoe", surname: "Walker" },
      // Directory data as an export may carry it: decomposed, and with a zero-width space inside.
      { email: NFD("josé.p@contoso.example"), displayName: NFD("José Pérez"), givenName: NFD("José"), surname: NFD("Pérez") },
      { email: `li${ZWSP}sa.m@contoso.example`, displayName: `Li${ZWSP}sa Moreau`, givenName: "Lisa", surname: "Moreau" },
    ],
  });
  admin = await t.signInAs("admin@contoso.example");
});
afterEach(() => t.close());

const invitedAddresses = async () => (await t.deps.db.select({ norm: members.emailNorm }).from(members)).map((m) => m.norm).sort();

describe("one normal form", () => {
  it("the CSV check accepts an NFD address and one with a zero-width space inside, and finds the person", async () => {
    const csv = `email\r\n${NFD("renée.u@contoso.example")}\r\nzo${ZWSP}e.w@contoso.example\r\n${ZWSP}JOSÉ.P@contoso.example\r\nlisa.m@contoso.example\r\n`;
    const form = new FormData();
    form.append("file", new File([csv], "people.csv", { type: "text/csv" }));
    const upload = await t.post("/imports", form, { cookie: admin });
    expect(upload.status).toBe(303);
    await drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl });
    const rows = await t.deps.db.select({ code: importRows.code, norm: importRows.emailNorm }).from(importRows).orderBy(importRows.rowNumber);
    expect(rows).toEqual([
      { code: "ready", norm: "renée.u@contoso.example" },
      { code: "ready", norm: "zoe.w@contoso.example" },
      { code: "ready", norm: "josé.p@contoso.example" },
      { code: "ready", norm: "lisa.m@contoso.example" },
    ]);
  });

  it("the Invite form finds the person whatever form the address was typed or stored in", async () => {
    const res = await t.post(
      "/invitations",
      {
        email: [NFD("Renée.U@contoso.example"), `zoe.w@contoso.example${ZWSP}`, " josé.p@contoso.example", `\u2060lisa.m@contoso.example`],
      },
      { cookie: admin, htmx: true },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("not in your organization's directory");
    expect(await invitedAddresses()).toEqual(["josé.p@contoso.example", "lisa.m@contoso.example", "renée.u@contoso.example", "zoe.w@contoso.example"]);
  });

  it("the type-ahead and the Users search find people typed with invisible characters or decomposed", async () => {
    for (const [q, name] of [
      [`zo${ZWSP}e`, "Zoe Walker"],
      [NFD("renée"), "Renée Ullman"],
      ["josé", "José Pérez"],
      ["lisa.m", "Moreau"],
    ] as const) {
      const html = await (await t.get(`/directory/search?q=${encodeURIComponent(q)}`, { cookie: admin, htmx: true })).text();
      expect(html.normalize("NFC"), `type-ahead for ${JSON.stringify(q)}`).toContain(name);
    }
    await t.post("/invitations", { email: ["renée.u@contoso.example", "zoe.w@contoso.example"] }, { cookie: admin, htmx: true });
    for (const [q, address] of [
      [`${ZWSP}zoe`, "zoe.w@contoso.example"],
      [NFD("RENÉE"), "renée.u@contoso.example"],
    ] as const) {
      const html = (await (await t.get(`/users?q=${encodeURIComponent(q)}`, { cookie: admin })).text()).replaceAll("<wbr>", "");
      expect(html, `Users search for ${JSON.stringify(q)}`).toContain(address);
    }
  });
});

describe("normalizeAddress", () => {
  it("strips invisible characters anywhere, trims, composes and lower-cases", () => {
    expect(normalizeAddress(`\uFEFF ${NFD("Renée")}\u00AD.U\u200E@Con${ZWSP}toso.example\u2060 `)).toBe("renée.u@contoso.example");
  });

  it("gives the same form for any string however it is composed or sprinkled with invisible characters, and is idempotent (fast-check)", () => {
    const invisible = fc.constantFrom(ZWSP, "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u200E", "\u202A");
    const text = fc.string({ unit: fc.constantFrom("a", "B", "é", "E\u0301", "ö", "@", ".", " ", "-", "İ") });
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 3 }), (value, inserts) => {
        let sprinkled = NFD(value);
        for (const [at, mark] of inserts) sprinkled = sprinkled.slice(0, at % (sprinkled.length + 1)) + mark + sprinkled.slice(at % (sprinkled.length + 1));
        expect(normalizeAddress(sprinkled)).toBe(normalizeAddress(value.normalize("NFC")));
        expect(normalizeAddress(normalizeAddress(value))).toBe(normalizeAddress(value));
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});
