// Checkpoints the WAL from a thread of its own. SQLite otherwise checkpoints inside the COMMIT
// that takes the WAL past 1,000 pages: it copies those pages into the database file and syncs
// both files, synchronously, on the event loop. A bulk Send Invite writes a few hundred MB, so
// those checkpoints were 60 % of its time (18.7 s -> 8.2 s for 16,700 invitations when they
// moved off the loop) and stalled every request behind them. Here a PASSIVE checkpoint runs
// whenever the WAL holds pages not yet copied: it waits for no reader or writer, and a commit
// that finds the WAL already copied has nothing left to do. Embedded file databases only.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export type WalCheckpointer = {
  /** Checkpoints now; resolves when done (a job calls it between its transactions, so the next one starts a fresh WAL). */
  checkpoint(): Promise<void>;
  stop(): Promise<void>;
};

// Plain JavaScript run with eval: it needs no build step and works from the bundle `npm start` runs.
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const db = new Database(workerData.path, { timeout: 0 });
db.exec("PRAGMA synchronous = NORMAL");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
let timer = null;
const tick = () => {
  let behind = false;
  try {
    const [busy, logged, copied] = checkpoint.raw(true).all()[0];
    // Another thread's checkpoint held the lock, or pages arrived meanwhile: look again soon.
    behind = busy !== 0 || (logged > 0 && copied < logged);
  } catch {
    behind = true;
  }
  timer = setTimeout(tick, behind ? workerData.busyMs : workerData.idleMs);
};
parentPort.on("message", (message) => {
  clearTimeout(timer);
  if (message === "stop") {
    db.close();
    parentPort.close();
    return;
  }
  tick();
  parentPort.postMessage("done");
});
tick();
`;

/** Starts the thread for a `file:` database URL; null for anything else (memory, a libSQL server). */
export function startWalCheckpointer(url: string, options: { idleMs?: number; busyMs?: number } = {}): WalCheckpointer | null {
  if (!url.startsWith("file:")) return null;
  const path = url.slice("file:".length).replace(/\?.*$/, "");
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { libsql: createRequire(import.meta.url).resolve("libsql"), path, idleMs: options.idleMs ?? 20, busyMs: options.busyMs ?? 5 },
    // No stdin/stdout of its own, and it never keeps the process alive on its own.
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.on("error", () => undefined);
  let waiting: (() => void)[] = [];
  worker.on("message", () => {
    const settled = waiting;
    waiting = [];
    for (const resolve of settled) resolve();
  });
  let stopped = false;
  return {
    checkpoint() {
      if (stopped) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 1) worker.postMessage("checkpoint");
      });
    },
    async stop() {
      stopped = true;
      for (const resolve of waiting.splice(0)) resolve();
      worker.postMessage("stop");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await worker.terminate();
    },
  };
}
