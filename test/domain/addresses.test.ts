import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedEditDistance, cleanAddressValue, isValidAddressFormat, normalizeAddress } from "../../src/domain/addresses.js";

// Full optimal-string-alignment table, written the textbook way, to check the banded one against.
function referenceOsa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe("normalizeAddress", () => {
  it("trims, composes to NFC and lower-cases the whole address", () => {
    expect(normalizeAddress("  Alex.Admin@Contoso.EXAMPLE \t")).toBe("alex.admin@contoso.example");
    expect(normalizeAddress("Zoe\u0301@contoso.example")).toBe("zo\u00e9@contoso.example");
    expect(normalizeAddress("ZO\u00c9@X.COM")).toBe(normalizeAddress("zoe\u0301@x.com"));
  });
});

describe("cleanAddressValue", () => {
  it.each([
    ["  alex@contoso.example  ", "alex@contoso.example"],
    ['"alex@contoso.example"', "alex@contoso.example"],
    ["'alex@contoso.example'", "alex@contoso.example"],
    ["\u201Calex@contoso.example\u201D", "alex@contoso.example"],
    ["mailto:alex@contoso.example", "alex@contoso.example"],
    ["MAILTO:Alex@Contoso.example?subject=Hi", "Alex@Contoso.example"],
    ["Alex Admin <alex@contoso.example>", "alex@contoso.example"],
    ['"Admin, Alex" <alex@contoso.example>', "alex@contoso.example"],
    ['"Admin, Alex" < alex@contoso.example >;', "alex@contoso.example"],
    ["<mailto:alex@contoso.example>", "alex@contoso.example"],
    ["alex@contoso.example (Alex Admin)", "alex@contoso.example"],
    ["alex@contoso.example;", "alex@contoso.example"],
    ["\u200Balex@contoso.example\u00A0", "alex@contoso.example"],
    ["Alex.Admin@Contoso.Example", "Alex.Admin@Contoso.Example"],
    ["", ""],
    ["   ", ""],
    ["not an address", "not an address"],
    ['=HYPERLINK("http://evil.example","x")', '=HYPERLINK("http://evil.example","x")'],
  ])("%j -> %j", (raw, bare) => {
    expect(cleanAddressValue(raw)).toBe(bare);
  });
});

describe("isValidAddressFormat", () => {
  it.each([
    "alex@contoso.example",
    "a@b.co",
    "first.last+tag@sub.contoso.com",
    "o'brien@contoso.ie",
    "zoë@contoso.example",
    "user@xn--bcher-kva.example",
    "x@münchen.de",
    `${"a".repeat(64)}@contoso.com`,
  ])("accepts %s", (address) => {
    expect(isValidAddressFormat(address)).toBe(true);
  });

  it.each([
    "",
    "alex",
    "alex@",
    "@contoso.com",
    "alex@contoso",
    "alex@@contoso.com",
    "a@b@contoso.com",
    "alex @contoso.com",
    "alex@contoso .com",
    ".alex@contoso.com",
    "alex.@contoso.com",
    "al..ex@contoso.com",
    "alex@-contoso.com",
    "alex@contoso-.com",
    "alex@contoso..com",
    "alex@contoso.c",
    "alex@contoso.123",
    "alex@contoso.com.",
    "Alex <alex@contoso.com>",
    "mailto:alex@contoso.com",
    '=HYPERLINK("x")',
    `${"a".repeat(65)}@contoso.com`,
    `a@${"b".repeat(64)}.com`,
    `a@${"b.".repeat(126)}com`,
  ])("refuses %j", (address) => {
    expect(isValidAddressFormat(address)).toBe(false);
  });
});

describe("boundedEditDistance", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps", () => {
    expect(boundedEditDistance("contoso.com", "contoso.com", 2)).toBe(0);
    expect(boundedEditDistance("contoso.con", "contoso.com", 2)).toBe(1);
    expect(boundedEditDistance("contsoo.com", "contoso.com", 2)).toBe(1);
    expect(boundedEditDistance("contoso.exmaple", "contoso.example", 2)).toBe(1);
    expect(boundedEditDistance("cntoso.co", "contoso.com", 2)).toBe(2);
    expect(boundedEditDistance("ca", "abc", 5)).toBe(3); // OSA, not unrestricted Damerau
    expect(boundedEditDistance("", "abc", 5)).toBe(3);
  });

  it("answers max + 1 as soon as the distance is over max", () => {
    expect(boundedEditDistance("contoso.com", "fabrikam.com", 2)).toBe(3);
    expect(boundedEditDistance("a", "abcdef", 2)).toBe(3);
    expect(boundedEditDistance("abc", "xyz", 0)).toBe(1);
  });

  it("agrees with the full table on random strings, capped at max + 1", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "c", "."), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom("a", "b", "c", "."), maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (a, b, max) => boundedEditDistance(a, b, max) === Math.min(referenceOsa(a, b), max + 1),
      ),
      { numRuns: 3000 },
    );
  });
});
