// Numbers through Intl; times as "3 days ago" with the exact UTC time on hover.
import { raw } from "hono/html";
import { trustedHtml, type SafeHtml } from "./safe-html.js";

const numberFormat = new Intl.NumberFormat("en-US");
const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
const exact = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatNumber = (n: number) => numberFormat.format(n);

/** "1 row", "1,204 rows": the count, formatted, and the word that goes with it. */
export const plural = (count: number, one: string, many: string) => `${formatNumber(count)} ${count === 1 ? one : many}`;

/** $0.725 from 725 thousandths. */
export const formatRate = (rateMilli: number) => `$${(rateMilli / 1000).toFixed(3).replace(/(\.\d\d)0$/, "$1")}`;

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

// Intl formatting costs microseconds a call, and a page of 50 users makes 200 of them: the
// phrases ("3 days ago") and, for each minute, the exact time and the start of the ISO time are
// kept once made (Date#toISOString alone is a large part of a row's rendering).
const phrases = new Map<string, string>();
const minutes = new Map<number, { exact: string; isoMinute: string }>();

export function formatAgo(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) {
      const value = Math.round(seconds / size);
      const key = `${value} ${unit}`;
      let phrase = phrases.get(key);
      if (phrase === undefined) phrases.set(key, (phrase = relative.format(value, unit)));
      return phrase;
    }
  }
  return "just now";
}

function minuteOf(date: Date) {
  const minute = Math.floor(date.getTime() / 60_000);
  let found = minutes.get(minute);
  if (found === undefined) {
    if (minutes.size >= 10_000) minutes.clear();
    minutes.set(minute, (found = { exact: exact.format(date), isoMinute: date.toISOString().slice(0, -7) }));
  }
  return found;
}

/** "Nov 26, 2026, 11:03 AM": the minute, in UTC. */
export function formatExact(date: Date): string {
  return minuteOf(date).exact;
}

/** The same text as `date.toISOString()`, from the minute's kept start. */
export function formatIso(date: Date): string {
  const withinMinute = date.getTime() - Math.floor(date.getTime() / 60_000) * 60_000;
  const seconds = Math.floor(withinMinute / 1000);
  const millis = withinMinute % 1000;
  return `${minuteOf(date).isoMinute}${seconds < 10 ? "0" : ""}${seconds}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

// An entity, not the dash itself: one character beyond Latin-1 makes V8 hold the whole page in
// two bytes a character, and node-server then measures it (Buffer.byteLength) and encodes it as
// UTF-8 several times slower. test/routes/users-page-latin1.test.ts keeps the Users page Latin-1.
const NO_TIME = `<span class="muted">&mdash;</span>`;
const noTime = raw(NO_TIME);

/** The markup of TimeAgo as a plain string, for rows written by hand (users/user-row.ts): every
 *  part is our own text (an ISO time, Intl's words and digits), so there is nothing to escape. */
export function timeAgoHtml(date: Date | null | undefined): string {
  if (!date) return NO_TIME;
  return `<time datetime="${formatIso(date)}" title="${formatExact(date)} UTC">${formatAgo(date)}</time>`;
}

/** timeAgoHtml as safe markup for `markup` templates. */
export function timeAgoMarkup(date: Date | null | undefined): SafeHtml {
  return date ? trustedHtml(timeAgoHtml(date)) : noTimeMarkup;
}
const noTimeMarkup = trustedHtml(NO_TIME);

export function TimeAgo(props: { date: Date | null | undefined }) {
  return props.date ? raw(timeAgoHtml(props.date)) : noTime;
}
