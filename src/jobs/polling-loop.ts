// What the polling workers share (imports, mail, reminders): the loop of passes with an idle
// rest between them (idle.ts), the drain that tests call instead, and the options of a job that
// works under a lease.
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import { createIdle } from "./idle.js";

/** A running worker: wake() cuts its rest short (new work was queued); stop() resolves when its loop has ended. */
export type PollingWorker = { stop(): Promise<void>; wake(): void };

/** The options of a worker that claims jobs under a lease and works through them a chunk at a time. */
export type LeasedJobOptions = {
  db: Db;
  publicUrl: string;
  logger?: Pick<Logger, "info" | "warn" | "error"> | undefined;
  owner?: string;
  leaseMs?: number;
  chunkSize?: number;
  idleMs?: number;
};

/**
 * Runs `pass` until stopped. After a pass that found nothing to do the worker rests `idleMs`;
 * after one that threw, as long as `failed` answers (it logs what it must). stop() calls
 * `onStop`, ends the rest, and lets the pass in hand finish.
 */
export function startPollingLoop(loop: {
  pass: (stopping: () => boolean) => Promise<"worked" | "idle">;
  idleMs: number;
  failed: (error: unknown) => number;
  onStop?: () => void;
}): PollingWorker {
  const idle = createIdle();
  const stopping = () => idle.stopped;
  const running = (async () => {
    while (!idle.stopped) {
      idle.beginPass();
      try {
        if ((await loop.pass(stopping)) === "idle") await idle.rest(loop.idleMs);
      } catch (error) {
        await idle.rest(loop.failed(error));
      }
    }
  })();
  return {
    wake() {
      idle.wake();
    },
    async stop() {
      loop.onStop?.();
      idle.stop();
      await running;
    },
  };
}

/** Claims and runs jobs until none is left; answers how many it ran (tests call it; the workers loop the same way). */
export async function drainJobs<J>(claim: () => Promise<J | null>, run: (job: J) => Promise<void>): Promise<number> {
  let ran = 0;
  for (let job = await claim(); job; job = await claim()) {
    await run(job);
    ran++;
  }
  return ran;
}
