// The typo index on its own: which directory address a mistyped local part was meant to be.
import { describe, expect, it } from "vitest";
import { TypoIndex } from "../../src/domain/import-typos.js";

const index = TypoIndex.fromAddresses([
  "megan.bowen@contoso.com", "alex.wilber@contoso.com", "adele.vance@contoso.com", "lee.gu@contoso.com",
  "lynne.robbins@contoso.com", "lynne.robins@contoso.com", "bo@contoso.com", "megan.bowen@fabrikam.com",
  ...Array.from({ length: 500 }, (_, i) => `megan.b${i}@contoso.com`),
]);

describe("TypoIndex.suggest", () => {
  const cases: [string, string | null][] = [
    ["megan.bowne", "megan.bowen@contoso.com"], // swapped at the end
    ["emgan.bowen", "megan.bowen@contoso.com"], // swapped at the start
    ["alex.wilbr", "alex.wilber@contoso.com"], // missing letter
    ["aalex.wilber", "alex.wilber@contoso.com"], // doubled first letter
    ["adle.vnce", "adele.vance@contoso.com"], // two edits, 6+ characters
    ["lee.gy", "lee.gu@contoso.com"],
    ["lynne.robbin", "lynne.robbins@contoso.com"], // two candidates one edit away: the first in order
    ["bo.", "bo@contoso.com"], // short: one edit at most
    ["bx", null], // two characters: both keys are the whole local part
    ["xx", null], // short: one edit at most, and nothing is that close
    ["lee", null],
    ["someone.else", null],
    ["megan.bowen", null], // an exact match is not a typo
  ];
  for (const [local, expected] of cases) {
    it(`${local} -> ${expected ?? "no suggestion"}`, () => {
      expect(index.suggest(local, "contoso.com")).toBe(expected);
    });
  }

  it("only suggests addresses on the same domain", () => {
    expect(index.suggest("alex.wilbr", "fabrikam.com")).toBeNull();
    expect(index.suggest("megan.bowne", "fabrikam.com")).toBe("megan.bowen@fabrikam.com");
    expect(index.suggest("megan.bowne", "example.org")).toBeNull();
  });
});
