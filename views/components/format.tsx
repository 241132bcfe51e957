// Numbers through Intl; times as "3 days ago" with the exact UTC time on hover.
const numberFormat = new Intl.NumberFormat("en-US");
const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
const exact = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export const formatNumber = (n: number) => numberFormat.format(n);

/** $0.725 from 725 thousandths. */
export const formatRate = (rateMilli: number) => `$${(rateMilli / 1000).toFixed(3).replace(/(\.\d\d)0$/, "$1")}`;

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400], ["month", 30 * 86400], ["week", 7 * 86400], ["day", 86400], ["hour", 3600], ["minute", 60],
];

export function formatAgo(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function TimeAgo(props: { date: Date | null | undefined }) {
  if (!props.date) return <span class="muted">—</span>;
  return <time datetime={props.date.toISOString()} title={`${exact.format(props.date)} UTC`}>{formatAgo(props.date)}</time>;
}
