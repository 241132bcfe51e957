// The Users page is built from Latin-1 characters only (the dash and the arrows are entities):
// V8 then keeps the page one byte a character, and the server measures and encodes it in a
// fraction of the time a two-byte string takes (views/components/format.tsx, NO_TIME). One
// character past U+00FF anywhere in the markup (a typographic dash, an ellipsis, an arrow) turns
// the whole page into a two-byte string, and nothing else would notice: this test does. The
// directory's names are data, so the demo organization (Latin-1 names only) is used.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await createTestApp({ seedDemo: true });
  admin = await t.signInAs("alex.admin@contoso.example");
});
afterAll(() => t.close());

/** Each character past Latin-1 with the text around it, so a failure says where it is. */
function beyondLatin1(html: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the class is all of Latin-1, control characters included.
  const found = [...html.matchAll(/[^\u0000-\u00ff]/gu)].map(
    (m) => `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} in "${html.slice(Math.max(0, m.index - 30), m.index + 30)}"`,
  );
  return [...new Set(found)];
}

async function pageOf(path: string, options: { htmx?: boolean } = {}): Promise<string> {
  const res = await t.get(path, { cookie: admin, ...options });
  expect(res.status).toBe(200);
  return res.text();
}

describe("the Users page stays in Latin-1", () => {
  it("finds a character past Latin-1 when there is one", () => {
    expect(beyondLatin1("<p>Next page &rarr;</p>")).toEqual([]);
    expect(beyondLatin1("<p>Next page \u2192</p>")).toEqual(['U+2192 in "<p>Next page \u2192</p>"']);
  });

  it("the list of everyone and each status tab, as pages and as htmx fragments", async () => {
    for (const path of ["/users", "/users?status=invited", "/users?status=active", "/users?status=archived"]) {
      const page = await pageOf(path);
      expect(page).toContain('<tr id="member-');
      expect(beyondLatin1(page), path).toEqual([]);
      expect(beyondLatin1(await pageOf(path, { htmx: true })), `${path} (htmx)`).toEqual([]);
    }
  });

  it("a search, with its matches and their counts, narrowed to a status, and with no one found: as pages and as htmx fragments", async () => {
    for (const path of ["/users?q=garcia", "/users?q=a", "/users?status=active&q=garcia", "/users?q=nobody-here-at-all"]) {
      const page = await pageOf(path);
      expect(page).toContain("Counts of the people matching &ldquo;");
      expect(beyondLatin1(page), path).toEqual([]);
      expect(beyondLatin1(await pageOf(path, { htmx: true })), `${path} (htmx)`).toEqual([]);
    }
    expect(await pageOf("/users?q=nobody-here-at-all")).toContain("No one matches &ldquo;nobody-here-at-all&rdquo;.");
  });

  it("a later page, with both the First page and the Next page arrows", async () => {
    const first = await pageOf("/users");
    const next = /href="(\/users\?after=[^"]+)" rel="next"/.exec(first)?.[1];
    expect(next).toBeDefined();
    const page = await pageOf(next!.replaceAll("&amp;", "&"));
    expect(page).toContain("First page");
    expect(page).toContain('rel="next"');
    expect(beyondLatin1(page)).toEqual([]);
  });

  it("the dash of a time never given", async () => {
    // Invited people have not joined: their Joined cell is the dash.
    const invited = await pageOf("/users?status=invited");
    expect(invited).toContain("&mdash;");
    expect(beyondLatin1(invited)).toEqual([]);
  });
});
