// A thread with its own connection to an embedded database file, for work that need not block
// the event loop:
// - WAL checkpoints. SQLite otherwise checkpoints inside the COMMIT that takes the WAL past 1,000
//   pages: it copies them into the database file and syncs both files, synchronously, on the
//   event loop. A bulk Send Invite writes a few hundred MB; those checkpoints were 60 % of its
//   time (16,700 invitations: 18.7 s -> 8.2 s with them off the loop). A PASSIVE checkpoint runs
//   whenever the WAL holds pages not yet copied (it waits for no reader or writer), and a job
//   awaits one between its transactions so the next starts a fresh WAL.
// - Reads a job can make ahead: the import validation reads its next chunk here while the event
//   loop judges and writes the current one.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

export type DatabaseThread = {
  /** Checkpoints now; resolves when done (never rejects). */
  checkpoint(): Promise<void>;
  /** Runs one read statement on the thread's connection; answers its rows as arrays. */
  read(sql: string, args: unknown[]): Promise<unknown[][]>;
  /** Why the thread cannot work (it died: it could not open the file, say); null while it runs or once stopped. */
  problem(): string | null;
  stop(): Promise<void>;
};

// Plain JavaScript run with eval: it needs no build step and works from the bundle `npm start` runs.
const THREAD = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const db = new Database(workerData.path, { timeout: 0 });
db.exec("PRAGMA synchronous = NORMAL");
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const prepared = new Map();
let timer = null;
const tick = () => {
  clearTimeout(timer);
  let behind = false;
  try {
    const [busy, logged, copied] = checkpoint.raw(true).all()[0];
    // Another connection's checkpoint held the lock, or pages arrived meanwhile: look again soon.
    behind = busy !== 0 || (logged > 0 && copied < logged);
  } catch {
    behind = true;
  }
  timer = setTimeout(tick, behind ? workerData.busyMs : workerData.idleMs);
};
parentPort.on("message", (message) => {
  if (message.kind === "stop") {
    clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  if (message.kind === "checkpoint") {
    tick();
    parentPort.postMessage({ id: message.id });
    return;
  }
  try {
    let statement = prepared.get(message.sql);
    if (!statement) prepared.set(message.sql, (statement = db.prepare(message.sql).raw(true)));
    parentPort.postMessage({ id: message.id, rows: statement.all(message.args) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message || error) });
  }
});
tick();
`;

type Reply = { id: number; rows?: unknown[][]; error?: string };

/** Starts the thread for a `file:` database URL; null for anything else (memory, a libSQL server). */
export function startDatabaseThread(url: string, options: { idleMs?: number; busyMs?: number } = {}): DatabaseThread | null {
  if (!url.startsWith("file:")) return null;
  const path = url.slice("file:".length).replace(/\?.*$/, "");
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { libsql: createRequire(import.meta.url).resolve("libsql"), path, idleMs: options.idleMs ?? 20, busyMs: options.busyMs ?? 5 },
    stdout: false,
    stderr: false,
    // It holds a statement's result at a time: a small heap keeps the process's memory down.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
  });
  // It never keeps the process alive on its own.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const pending = new Map<number, (reply: Reply) => void>();
  let nextId = 1;
  let stopped = false;
  const settleAll = (error: string) => {
    for (const settle of pending.values()) settle({ id: 0, error });
    pending.clear();
  };
  worker.on("message", (reply: Reply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  // A thread that died (it could not open the file, say) answers every later question at once with
  // its error: a message posted to it would never be answered, and the job asking would hang.
  let died: string | undefined;
  worker.on("error", (error) => {
    died = error.message;
    settleAll(error.message);
  });
  worker.on("exit", () => {
    died ??= "The database thread has stopped";
    settleAll(died);
  });
  const ask = (message: Record<string, unknown>) => new Promise<Reply>((resolve) => {
    if (stopped || died !== undefined) return resolve({ id: 0, error: died ?? "The database thread has stopped" });
    const id = nextId++;
    pending.set(id, resolve);
    worker.postMessage({ ...message, id });
  });
  return {
    async checkpoint() {
      await ask({ kind: "checkpoint" });
    },
    async read(sql, args) {
      const reply = await ask({ kind: "read", sql, args });
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.rows ?? [];
    },
    problem: () => (stopped ? null : died ?? null),
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage({ kind: "stop" });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await worker.terminate();
      settleAll("The database thread has stopped");
    },
  };
}
