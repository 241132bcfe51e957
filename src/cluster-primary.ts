// The cluster primary (WEB_CONCURRENCY > 1). It serves nothing itself: it migrates the database
// and seeds the demo once, before any server process starts, so none race to; then it keeps
// WEB_CONCURRENCY server processes (src/server-process.ts) on the one port, node:cluster handing
// each new connection to them in turn. Every process opens its own database connections and runs
// its own workers; the leases keep each job to one of them.
//
// - Start: the first process must listen before the others start, so a start-up failure (a port
//   in use, say) is its one line on stderr, and the primary exits with its code.
// - A process that dies later is replaced: at once after a long life, after a pause that doubles
//   (up to 30 s) while replacements keep dying soon after they start, so a crash at start-up does
//   not spin.
// - SIGTERM or SIGINT: no more replacements, every process is told to drain (SIGTERM), and the
//   primary exits 0 once all have; a process still running after 9.5 s is killed.
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { openServerDatabase } from "./server-process.js";

/** A process that lived this long was not crashing at start: its replacement starts at once. */
const STABLE_MS = 10_000;
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 30_000;
const KILL_AFTER_MS = 9_500;

/** The pause before replacing a process, after `quickDeaths` deaths in a row each soon after its start. */
export function replacementPauseMs(quickDeaths: number): number {
  return quickDeaths === 0 ? 0 : Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (quickDeaths - 1));
}

type Slot = { worker: Worker | undefined; startedAt: number; quickDeaths: number; timer: NodeJS.Timeout | undefined };

export async function runClusterPrimary(config: Config, logger: Logger, entry: string): Promise<void> {
  const database = await openServerDatabase(config, logger, true);
  database.close();
  cluster.setupPrimary({ exec: entry, execArgv: [...process.execArgv, "--enable-source-maps"] });

  const slots: Slot[] = Array.from({ length: config.webConcurrency }, () => ({ worker: undefined, startedAt: 0, quickDeaths: 0, timer: undefined }));
  const slotOf = new Map<Worker, Slot>();
  let started = false;
  let stopping = false;
  const live = () => slots.filter((slot) => slot.worker).length;

  const fork = (slot: Slot) => {
    slot.timer = undefined;
    slot.startedAt = Date.now();
    slot.worker = cluster.fork();
    slotOf.set(slot.worker, slot);
  };

  cluster.on("listening", (worker) => {
    if (started) return;
    started = true;
    logger.info({ processes: config.webConcurrency }, "first server process listening: starting the others");
    for (const slot of slots) if (slot.worker !== worker) fork(slot);
  });

  cluster.on("exit", (worker, code, signal) => {
    const slot = slotOf.get(worker)!;
    slotOf.delete(worker);
    slot.worker = undefined;
    if (stopping) {
      if (live() === 0) process.exit(0);
      return;
    }
    if (!started) {
      // It printed why (one line, exit 1); nothing else was started.
      process.exit(code || 1);
    }
    const livedMs = Date.now() - slot.startedAt;
    slot.quickDeaths = livedMs < STABLE_MS ? slot.quickDeaths + 1 : 0;
    const pauseMs = replacementPauseMs(slot.quickDeaths);
    logger.error({ exited: worker.process.pid, code, signal, livedMs, pauseMs }, "a server process exited: replacing it");
    slot.timer = setTimeout(() => fork(slot), pauseMs);
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: live() }, "stopping");
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.worker?.process.kill("SIGTERM");
    }
    if (live() === 0) process.exit(0);
    setTimeout(() => {
      for (const slot of slots) slot.worker?.process.kill("SIGKILL");
    }, KILL_AFTER_MS).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  fork(slots[0]!);
}
