// fast-check arbitraries and checks for feeding the app hostile input through its routes.
import fc from "fast-check";
import { expect } from "vitest";

/**
 * How many runs a property gets: `n` in the full suite (`npm test`); in the fast lane
 * (`npm run test:fast` sets FUZZ_RUNS_SHARE=0.1) that share of them, at least 10, so the inner
 * loop still tries every property.
 */
export function fuzzRuns(n: number): number {
  const given = process.env.FUZZ_RUNS_SHARE;
  const share = given === undefined || given === "" ? 1 : Number(given);
  if (!(share > 0 && share <= 1)) throw new Error(`FUZZ_RUNS_SHARE is "${given}": give a share of the runs above 0 and at most 1 (0.1 runs a tenth).`);
  return Math.max(Math.min(n, 10), Math.round(n * share));
}

/** A tag no page of ours ever contains: if it shows up unescaped, input reached the page as HTML. */
export const MARK = "<zz-fuzz";

const nasty = fc.constantFrom(
  `${MARK}>`,
  `<script>zzfuzz()</script>`,
  `"><zz-fuzz a="`,
  `'><zz-fuzz>`,
  "\u0000",
  "%00",
  "%",
  "%zz",
  "%FF",
  "%C3%28",
  "../",
  "..\\",
  "\\",
  `=HYPERLINK("http://x")`,
  "+1",
  "-1",
  "@SUM(1)",
  "@a.example",
  "a@b",
  "\r\n",
  "\t",
  "😀",
  "\u202E",
  "\uFEFF",
  "\uD800",
  "null",
  "undefined",
  "NaN",
  "1e309",
  "0.725",
  "-0.5",
  "2026",
  "999999999999",
  " ",
  "x".repeat(300),
  "constructor",
  "__proto__",
  "constructor:1",
  "toString",
  "archived:9999",
  "//evil.example",
  "/\\evil.example",
  "https://evil.example/",
  "javascript:alert(1)",
);

/** Random text mixed with the strings that break things. */
export const hostileText = fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), nasty), { maxLength: 5 }).map((parts) => parts.join(""));

/** Lone surrogates become U+FFFD, as a browser would send them. */
export const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

/** A URL component: encoded hostile text, or raw ASCII with broken percent escapes left as they are. */
export const urlPart = fc.oneof(
  hostileText.map((s) => encodeURIComponent(wellFormed(s))),
  hostileText.map((s) => s.replace(/[^\x21-\x7e]|[#?/]/g, "")),
);

/** What every answer to hostile input must be: an expected status (never a 5xx), no input as live HTML, no open redirect. */
export async function expectSafeAnswer(response: Response, allowed: number[], what: string): Promise<string> {
  const body = await response.text();
  expect(response.status, `${what}: ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(allowed, `${what} answered ${response.status}`).toContain(response.status);
  expect(body.includes(MARK) || body.includes("<script>zzfuzz"), `${what}: input reached the page unescaped`).toBe(false);
  const location = response.headers.get("location") ?? response.headers.get("hx-redirect");
  if (location) expect(location, `${what}: redirect`).toMatch(/^\/(?![/\\])/);
  return body;
}
