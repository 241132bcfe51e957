// Numbers through Intl; times as "3 days ago" with the exact UTC time on hover.
import { raw } from "hono/html";

const numberFormat = new Intl.NumberFormat("en-US");
const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
const exact = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatNumber = (n: number) => numberFormat.format(n);

/** $0.725 from 725 thousandths. */
export const formatRate = (rateMilli: number) => `$${(rateMilli / 1000).toFixed(3).replace(/(\.\d\d)0$/, "$1")}`;

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400], ["day", 86400], ["hour", 3600], ["minute", 60],
];

// Intl formatting costs microseconds a call, and a page of 50 users makes 200 of them: the
// phrases ("3 days ago") and the exact times (per minute) are kept once made.
const phrases = new Map<string, string>();
const exactTimes = new Map<number, string>();

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

/** "Nov 26, 2026, 11:03 AM": the minute, in UTC. */
export function formatExact(date: Date): string {
  const minute = Math.floor(date.getTime() / 60_000);
  let text = exactTimes.get(minute);
  if (text === undefined) {
    if (exactTimes.size >= 10_000) exactTimes.clear();
    exactTimes.set(minute, (text = exact.format(date)));
  }
  return text;
}

const noTime = raw(`<span class="muted">—</span>`);

/** Markup made by hand rather than by JSX or a template: a list draws two a row, and every part
 *  is our own text (an ISO time, Intl's words and digits), so there is nothing to escape. */
export function TimeAgo(props: { date: Date | null | undefined }) {
  if (!props.date) return noTime;
  return raw(`<time datetime="${props.date.toISOString()}" title="${formatExact(props.date)} UTC">${formatAgo(props.date)}</time>`);
}
