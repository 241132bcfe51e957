// This process's writers, one at a time (see client.ts for why), and another process's lock
// retried after short async pauses instead of a busy wait that would block the event loop.

export type WriteQueue = {
  /** Runs `run` once the writers before it are done; the next waits until it settles. */
  exclusive<T>(run: () => Promise<T>): Promise<T>;
};

const WAIT_LIMIT_MS = 30_000;

export function createWriteQueue(): WriteQueue {
  let locked = false;
  const waiters: (() => void)[] = [];
  const handOver = () => {
    const next = waiters.shift();
    if (next) next();
    else locked = false;
  };
  /** Waits for the writers before us. A wait past 30 s means a write was started inside another
   *  write's function (db.write within db.write waits for itself): fail loudly. */
  const acquire = (): Promise<void> => {
    if (!locked) {
      locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error("Timed out after 30 s waiting for this process's write lock"));
      }, WAIT_LIMIT_MS);
      waiters.push(waiter);
    });
  };
  return {
    async exclusive(run) {
      await acquire();
      try {
        return await run();
      } finally {
        handOver();
      }
    },
  };
}

/** SQLite's "another connection holds the lock", however the driver wrapped it. */
export function isBusyError(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || /SQLITE_BUSY|database is locked/.test(e.message)) return true;
  }
  return false;
}

/** Retries what failed on another process's lock (nothing ran) after short async pauses. */
export async function retryBusy<T>(run: () => Promise<T>, timeoutMs = WAIT_LIMIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isBusyError(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + attempt * 2) * (0.5 + Math.random())));
    }
  }
}
