// The background workers of one server process. Each feature registers its worker here.
import type { Deps } from "../context.js";

type Worker = { stop(): Promise<void>; wake?(): void };

export function startWorkers(deps: Deps) {
  const running: Record<string, Worker> = {};
  if (deps.config.workers) {
    // Workers are added by their issues: mail (outbox), imports, directory sync.
  }
  return {
    wake(job: "mail" | "imports" | "directory") {
      running[job]?.wake?.();
    },
    async stop() {
      await Promise.all(Object.values(running).map((w) => w.stop()));
    },
  };
}
