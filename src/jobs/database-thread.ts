// A thread with its own connection to an embedded database file, for work that need not block
// the event loop:
// - WAL checkpoints. SQLite otherwise checkpoints inside the COMMIT that takes the WAL past 1,000
//   pages: it copies them into the database file and syncs both files, synchronously, on the
//   event loop, and a bulk Send Invite writes a few hundred MB. Rule: no checkpoint runs on the
//   event loop (README, Performance, has the figure). A PASSIVE checkpoint runs here whenever the WAL holds pages not yet copied (it waits for no reader or writer), and a job
//   awaits one between its transactions so the next starts a fresh WAL (or, allowing the WAL a
//   bound, only once the WAL holds that much: until then the copy runs beside its next writes).
// - Reads a job can make ahead: the import validation reads its next chunk here while the event
//   loop judges and writes the current one.
import { Worker } from "node:worker_threads";
import type { Config } from "../config.js";
import type { ThreadOptions, ThreadReply, ThreadRequest } from "./database-thread-worker.js";

export type DatabaseThread = {
  /**
   * Checkpoints now; resolves when done (never rejects). With `waitPastPages`, resolves at once
   * while the WAL held fewer pages than that at the thread's last look, and the copy runs after
   * the answer, beside the caller's next writes: the WAL then grows to about that bound plus two
   * of the caller's transactions before a wait lets the next transaction start it over.
   */
  checkpoint(options?: { waitPastPages?: number }): Promise<void>;
  /** Runs one read statement on the thread's connection; answers its rows as arrays. */
  read(sql: string, args: unknown[]): Promise<unknown[][]>;
  /** Why the thread cannot work (it died: it could not open the file, say); null while it runs or once stopped. */
  problem(): string | null;
  stop(): Promise<void>;
};

/** What the thread says about itself: ready (its connection is open), or stopped by an error. */
export type ThreadEvents = { onReady?(): void; onError?(error: Error): void };

/** The bundled thread's file name, set by src/cli/start.mjs (esbuild's `define`); undefined under tsx. */
declare const DATABASE_THREAD_BUNDLE: string | undefined;

/** The thread's first module, and the TypeScript module it imports when run through tsx. */
function threadModule(): { url: URL; typescript?: string } {
  if (typeof DATABASE_THREAD_BUNDLE === "string") return { url: new URL(`./${DATABASE_THREAD_BUNDLE}`, import.meta.url) };
  return { url: new URL("./typescript-thread.mjs", import.meta.url), typescript: new URL("./database-thread-worker.ts", import.meta.url).href };
}

type Answer = Extract<ThreadReply, { kind: "answer" }>;

/** Whether a server process of this configuration runs the thread (workers.ts starts it): then its
 *  database connections leave every checkpoint to it (openDatabase's `autoCheckpoint: false`). */
export function runsDatabaseThread(config: Pick<Config, "workers" | "embeddedFastPaths" | "databaseUrl">): boolean {
  return config.workers && config.embeddedFastPaths && config.databaseUrl.startsWith("file:");
}

/** Starts the thread for a `file:` database URL; null for anything else (memory, a libSQL server). */
export function startDatabaseThread(url: string, options: { idleMs?: number; busyMs?: number } & ThreadEvents = {}): DatabaseThread | null {
  if (!url.startsWith("file:")) return null;
  const path = url.slice("file:".length).replace(/\?.*$/, "");
  const entry = threadModule();
  const workerData: ThreadOptions & { typescript?: string } = { path, idleMs: options.idleMs ?? 20, busyMs: options.busyMs ?? 5, typescript: entry.typescript };
  const worker = new Worker(entry.url, {
    workerData,
    stdout: false,
    stderr: false,
    // It holds a statement's result at a time: a small heap keeps the process's memory down.
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
  });
  // It never keeps the process alive on its own.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  const pending = new Map<number, (reply: Answer) => void>();
  let nextId = 1;
  let stopped = false;
  const settleAll = (error: string) => {
    for (const settle of pending.values()) settle({ kind: "answer", id: 0, error });
    pending.clear();
  };
  worker.on("message", (reply: ThreadReply) => {
    if (reply.kind === "ready") return options.onReady?.();
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  // A thread that died (it could not open the file, say) answers every later question at once with
  // its error: a message posted to it would never be answered, and the job asking would hang.
  let died: string | undefined;
  worker.on("error", (error) => {
    died = error.message;
    settleAll(error.message);
    options.onError?.(error);
  });
  worker.on("exit", () => {
    died ??= "The database thread has stopped";
    settleAll(died);
  });
  const ask = (message: Extract<ThreadRequest, { id: number }>) =>
    new Promise<Answer>((resolve) => {
      if (stopped || died !== undefined) return resolve({ kind: "answer", id: 0, error: died ?? "The database thread has stopped" });
      pending.set(message.id, resolve);
      worker.postMessage(message);
    });
  return {
    async checkpoint(options = {}) {
      await ask({ kind: "checkpoint", id: nextId++, ...(options.waitPastPages === undefined ? {} : { waitPastPages: options.waitPastPages }) });
    },
    async read(sql, args) {
      const reply = await ask({ kind: "read", id: nextId++, sql, args });
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.rows ?? [];
    },
    problem: () => (stopped ? null : (died ?? null)),
    async stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage({ kind: "stop" } satisfies ThreadRequest);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await worker.terminate();
      settleAll("The database thread has stopped");
    },
  };
}
