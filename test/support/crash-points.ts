// Where a crash test kills a server is drawn from a seed, so a failure can be replayed: the run
// uses CRASH_SEED when it is set and a fresh seed otherwise, and a failing test prints the seed
// with the command that draws the same kill points again. A seed fixes the points (how many rows
// or emails are done when the kill comes, which process dies, after how long); the server's own
// speed still decides what is in flight at that moment.
import { randomInt } from "node:crypto";
import { relative } from "node:path";
import { onTestFailed } from "vitest";
import { ROOT } from "./child-server.js";

export type CrashPoints = { seed: number; between(low: number, high: number): number };

/** The seed CRASH_SEED names, or a fresh one; a value that is not a seed is an error that says so. */
export function crashSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CRASH_SEED?.trim();
  if (!given) return randomInt(2 ** 32);
  if (!/^\d{1,10}$/.test(given) || Number(given) >= 2 ** 32) {
    throw new Error(`CRASH_SEED is "${given.slice(0, 40)}": give the whole number a failed crash test printed (0 to 4294967295).`);
  }
  return Number(given);
}

/** Numbers in [0, 1) from a seed (mulberry32): the same seed, the same numbers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The line a failed crash test prints: its seed and the command that replays its kill points. */
export function replayLine(seed: number, file: string, test: string): string {
  return `crash points from CRASH_SEED=${seed}; replay: CRASH_SEED=${seed} npx vitest run --config test/vitest.config.ts ${file} -t ${JSON.stringify(test)}`;
}

/** Kill points for the current test, from one seed; call inside the test, so a failure prints the seed. */
export function crashPoints(): CrashPoints {
  const seed = crashSeed();
  const next = seededRandom(seed);
  onTestFailed(({ task }) => {
    console.error(replayLine(seed, relative(ROOT, task.file.filepath), task.name));
  });
  return { seed, between: (low, high) => low + next() * (high - low) };
}
