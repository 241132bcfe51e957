// The crash tests' kill points come from a seed: CRASH_SEED replays them, a bad value says what
// to give, and the line a failure prints carries the seed and the command that replays it.
import { describe, expect, it } from "vitest";
import { crashSeed, replayLine, seededRandom } from "../support/crash-points.js";

describe("crash points from a seed", () => {
  it("draws the same points from the same seed, other points from another", () => {
    const draw = (seed: number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 8 }, () => next());
    };
    expect(draw(4_000_123)).toEqual(draw(4_000_123));
    expect(draw(4_000_123)).not.toEqual(draw(4_000_124));
    expect(draw(7).every((n) => n >= 0 && n < 1)).toBe(true);
  });

  it("takes CRASH_SEED when it is set, and a fresh seed otherwise", () => {
    expect(crashSeed({ CRASH_SEED: "4000123" })).toBe(4_000_123);
    expect(crashSeed({ CRASH_SEED: " 0 " })).toBe(0);
    const fresh = new Set(Array.from({ length: 5 }, () => crashSeed({})));
    expect(fresh.size).toBeGreaterThan(1);
  });

  it("refuses a CRASH_SEED that is not a seed, saying what to give", () => {
    for (const bad of ["abc", "-1", "1.5", "4294967296", "12345678901"]) {
      expect(() => crashSeed({ CRASH_SEED: bad }), bad).toThrow(/CRASH_SEED is ".*": give the whole number a failed crash test printed/);
    }
  });

  it("prints a failure's seed with the command that replays it", () => {
    expect(replayLine(99, "test/processes/crash.test.ts", 'combined: "two" processes')).toBe(
      'crash points from CRASH_SEED=99; replay: CRASH_SEED=99 npx vitest run --config test/vitest.config.ts test/processes/crash.test.ts -t "combined: \\"two\\" processes"',
    );
  });
});
