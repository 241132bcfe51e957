// The database thread's own code (database-thread.ts starts it): its connection to the database
// file, a PASSIVE checkpoint whenever the WAL holds pages not yet copied, and the reads it is
// asked for. Run as its own bundle under `npm start` (src/cli/start.mjs), through tsx otherwise.
import { createRequire } from "node:module";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";

export type ThreadOptions = { path: string; idleMs: number; busyMs: number };
export type ThreadRequest =
  | { kind: "stop" }
  | { kind: "checkpoint"; id: number; waitPastPages?: number }
  | { kind: "read"; id: number; sql: string; args: unknown[] };
export type ThreadReply = { kind: "ready" } | { kind: "answer"; id: number; rows?: unknown[][]; error?: string };

type NativeStatement = { raw(toggle: boolean): NativeStatement; all(args?: unknown): unknown[][] };
type NativeDatabase = { prepare(sql: string): NativeStatement; exec(sql: string): void; close(): void };

function serve(port: MessagePort, options: ThreadOptions): void {
  const Database = createRequire(import.meta.url)("libsql") as new (path: string, options: { timeout: number }) => NativeDatabase;
  const db = new Database(options.path, { timeout: 0 });
  db.exec("PRAGMA synchronous = NORMAL");
  const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").raw(true);
  const prepared = new Map<string, NativeStatement>();
  const reply = (message: ThreadReply) => port.postMessage(message);
  let timer: NodeJS.Timeout | undefined;
  /** The pages the WAL held at the last checkpoint (from its start: a write after a complete copy starts it over). */
  let walPages = 0;

  const tick = () => {
    clearTimeout(timer);
    let behind = false;
    try {
      const [busy, logged, copied] = checkpoint.all()[0] as [number, number, number];
      walPages = logged;
      // Another connection's checkpoint held the lock, or pages arrived meanwhile: look again soon.
      behind = busy !== 0 || (logged > 0 && copied < logged);
    } catch {
      behind = true; // a checkpoint that could not run now is tried again soon; nothing is lost
    }
    timer = setTimeout(tick, behind ? options.busyMs : options.idleMs);
  };

  port.on("message", (message: ThreadRequest) => {
    switch (message.kind) {
      case "stop":
        clearTimeout(timer);
        db.close();
        port.close();
        return;
      case "checkpoint":
        // Under the caller's bound: answered first, so the copy runs beside its next writes.
        if (message.waitPastPages !== undefined && walPages < message.waitPastPages) {
          reply({ kind: "answer", id: message.id });
          tick();
          return;
        }
        tick();
        reply({ kind: "answer", id: message.id });
        return;
      case "read":
        try {
          let statement = prepared.get(message.sql);
          if (!statement) prepared.set(message.sql, (statement = db.prepare(message.sql).raw(true)));
          reply({ kind: "answer", id: message.id, rows: statement.all(message.args) });
        } catch (error) {
          reply({ kind: "answer", id: message.id, error: error instanceof Error ? error.message : String(error) });
        }
    }
  });
  tick();
  reply({ kind: "ready" });
}

if (parentPort) serve(parentPort, workerData as ThreadOptions);
