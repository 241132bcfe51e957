// The typo index on its own: which one directory person a mistyped local part was meant to be.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedEditDistance } from "../../src/domain/addresses.js";
import { editTouchesDigit, MIN_TYPO_LOCAL, TypoIndex } from "../../src/domain/import-typos.js";

// Person numbers: one per person; a person may have two addresses (mail and UPN).
const people: [string, number][] = [
  ["megan.bowen@contoso.com", 1],
  ["alex.wilber@contoso.com", 2],
  ["adele.vance@contoso.com", 3],
  ["lee.gu@contoso.com", 4],
  ["lynne.robbins@contoso.com", 5],
  ["lynne.robins@contoso.com", 6],
  ["bo@contoso.com", 7],
  ["megan.bowen@fabrikam.com", 8],
  ["robin.fox@contoso.com", 9],
  ["robin.cox@contoso.com", 10],
  ["aaliyah.hall@contoso.com", 11],
  ["aaliyah.hall2@contoso.com", 12],
  ["leo.taylor2@contoso.com", 13],
  ["sam.smith@contoso.com", 14],
  ["sam.smyth@contoso.com", 14],
  ["shared.box@contoso.com", 15],
  ["shared.box@contoso.com", 16],
  ...Array.from({ length: 500 }, (_, i): [string, number] => [`megan.b${i}@contoso.com`, 100 + i]),
];
const index = TypoIndex.fromEntries(people);

describe("TypoIndex.suggest", () => {
  const cases: [string, string | null, string][] = [
    ["megan.bowne", "megan.bowen@contoso.com", "swapped at the end"],
    ["emgan.bowen", "megan.bowen@contoso.com", "swapped at the start"],
    ["alex.wilbr", "alex.wilber@contoso.com", "a missing letter"],
    ["aalex.wilber", "alex.wilber@contoso.com", "a doubled first letter"],
    ["lee.gy", "lee.gu@contoso.com", "a substituted letter"],
    ["lynne.robbin", "lynne.robbins@contoso.com", "one person one edit away, another two"],
    ["lynne.robbns", null, "two people one edit away"],
    ["robin.fxo", "robin.fox@contoso.com", "swapped letters: robin.fox only (robin.cox is two edits away)"],
    ["adle.vnce", null, "two edits are not a single typo"],
    ["aaliyah.hall3", null, "a changed digit, and two people one edit away"],
    ["aaliyah.hal", "aaliyah.hall@contoso.com", "a missing letter: aaliyah.hall only (aaliyah.hall2 is two away)"],
    ["leo.taylor", null, "only a digit apart"],
    ["leo.tayolr2", "leo.taylor2@contoso.com", "a letter typo next to a digit"],
    ["sam.smoth", "sam.smith@contoso.com", "two addresses of one person: one person"],
    ["shared.bx", null, "an address of two people"],
    ["bo.", null, "too short to be sure"],
    ["megan.bowen", null, "an exact match is not a typo"],
    ["someone.else", null, "nobody near"],
  ];
  for (const [local, expected, why] of cases) {
    it(`${local} -> ${expected ?? "no suggestion"} (${why})`, () => {
      expect(index.suggest(local, "contoso.com")?.address ?? null).toBe(expected);
    });
  }

  it("names the person whose address it is", () => {
    expect(index.suggest("robin.fxo", "contoso.com")).toEqual({ address: "robin.fox@contoso.com", person: 9 });
    expect(index.suggest("robin.cxo", "contoso.com")).toEqual({ address: "robin.cox@contoso.com", person: 10 });
    expect(index.suggest("robin.xox", "contoso.com")).toBeNull(); // fox and cox: equally close
  });

  it("only suggests addresses on the same domain", () => {
    expect(index.suggest("alex.wilbr", "fabrikam.com")).toBeNull();
    expect(index.suggest("megan.bowne", "fabrikam.com")?.address).toBe("megan.bowen@fabrikam.com");
    expect(index.suggest("megan.bowne", "example.org")).toBeNull();
  });

  it("gives up rather than guess when a prefix has too many addresses to look through", () => {
    const crowded = TypoIndex.fromEntries(Array.from({ length: 6000 }, (_, i) => [`ab${String(i).padStart(5, "0")}x@c.com`, i] as const));
    expect(crowded.suggest("abzzzzzzzzz", "c.com")).toBeNull();
  });
});

describe("editTouchesDigit", () => {
  it("sees a digit in the part that differs, and only there", () => {
    expect(editTouchesDigit("hall3", "hall2")).toBe(true);
    expect(editTouchesDigit("hall3", "hall")).toBe(true);
    expect(editTouchesDigit("j0hn", "john")).toBe(true);
    expect(editTouchesDigit("tayolr2", "taylor2")).toBe(false);
  });
});

// Small alphabets make near neighbours common, which is where a wrong person would come from.
const local = fc.string({ unit: fc.constantFrom("a", "b", "c", ".", "1", "2"), minLength: 3, maxLength: 9 });
const directory = fc.uniqueArray(fc.tuple(local, fc.option(local, { nil: undefined })), { minLength: 1, maxLength: 40, selector: ([a]) => a });
/** One edit of `s` at `at`: a transposition, a deletion, a doubled letter, an insertion or a substitution. */
const edit = (s: string, kind: number, at: number, letter: string) => {
  const i = at % s.length;
  switch (kind) {
    case 0:
      return i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s.slice(0, -1);
    case 1:
      return s.slice(0, i) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + s[i] + s.slice(i);
    case 3:
      return s.slice(0, i) + letter + s.slice(i);
    default:
      return s.slice(0, i) + letter + s.slice(i + 1);
  }
};

describe("properties", () => {
  const build = (entries: [string, string | undefined][]) => {
    const list: [string, number][] = entries.flatMap(([mail, upn], person) => [
      [`${mail}@d.com`, person] as [string, number],
      ...(upn ? [[`${upn}@d.com`, person] as [string, number]] : []),
    ]);
    return { list, index: TypoIndex.fromEntries(list), addresses: new Set(list.map(([a]) => a)) };
  };

  it("for any directory and any address one edit away from person A, a suggestion, if made, is A", () => {
    fc.assert(
      fc.property(directory, fc.nat(), fc.nat(), fc.nat(4), fc.constantFrom("a", "b", "c", ".", "1", "2"), (entries, who, at, kind, letter) => {
        const { list, index, addresses } = build(entries);
        const [address, person] = list[who % list.length]!;
        const typed = edit(address.slice(0, -"@d.com".length), kind, at, letter);
        fc.pre(typed.length > 0 && !addresses.has(`${typed}@d.com`));
        const suggestion = index.suggest(typed, "d.com");
        if (suggestion) expect(suggestion.person).toBe(person);
      }),
      { numRuns: 3000 },
    );
  });

  it("a single clear letter typo of the only person that close is always found", () => {
    fc.assert(
      fc.property(directory, fc.nat(), fc.nat(), fc.nat(4), fc.constantFrom("a", "b", "c", "."), (entries, who, at, kind, letter) => {
        const { list, index, addresses } = build(entries);
        const [address, person] = list[who % list.length]!;
        const intended = address.slice(0, -"@d.com".length);
        const typed = edit(intended, kind, at, letter);
        fc.pre(typed.length >= MIN_TYPO_LOCAL && !addresses.has(`${typed}@d.com`) && !editTouchesDigit(typed, intended));
        const near = new Set(list.filter(([a]) => boundedEditDistance(typed, a.slice(0, -"@d.com".length), 1) === 1).map(([, p]) => p));
        fc.pre(
          near.size === 1 &&
            near.has(person) &&
            list.every(
              ([a, p]) =>
                p !== person || !editTouchesDigit(typed, a.slice(0, -"@d.com".length)) || boundedEditDistance(typed, a.slice(0, -"@d.com".length), 1) !== 1,
            ),
        );
        expect(index.suggest(typed, "d.com")?.person).toBe(person);
      }),
      { numRuns: 3000 },
    );
  });
});
