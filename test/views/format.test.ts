import { describe, expect, it } from "vitest";
import { formatExact, formatIso, timeAgoHtml } from "../../views/components/format.js";

describe("time formatting", () => {
  it("writes the same ISO time as Date#toISOString, to the millisecond, before and after 1970", () => {
    const times = [0, -1, 1, 59_999, 60_000, -60_000, -59_999, 999, 1_000, Date.UTC(2026, 10, 26, 23, 59, 59, 999), 8.64e15, -8.64e15];
    for (let i = 0; i < 5_000; i++) times.push(Math.floor((Math.random() - 0.3) * 4e12));
    for (const t of times) expect(formatIso(new Date(t))).toBe(new Date(t).toISOString());
  });

  it("shows the exact UTC minute on hover and the distance in words", () => {
    const date = new Date(Date.now() - 3 * 86_400_000);
    const html = timeAgoHtml(date);
    expect(html).toBe(`<time datetime="${date.toISOString()}" title="${formatExact(date)} UTC">3 days ago</time>`);
    expect(formatExact(new Date(Date.UTC(2026, 10, 26, 11, 3, 40)))).toBe("Nov 26, 2026, 11:03 AM");
    expect(timeAgoHtml(null)).toBe(`<span class="muted">&mdash;</span>`);
  });
});
