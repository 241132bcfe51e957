// The idle wait the polling workers share (imports, mail, reminders): between passes a worker
// rests until its poll interval is up, it is woken (new work was queued) or it is stopped. A wake
// that arrives during a pass cuts the next rest short, so queued work never waits a whole interval.
export type Idle = {
  /** Resolves after `ms`, or at once when woken since the pass began or stopped. */
  rest(ms: number): Promise<void>;
  /** Starts a pass: wakes from now on count for the next rest. */
  beginPass(): void;
  wake(): void;
  /** Ends the current rest and every later one. */
  stop(): void;
  readonly stopped: boolean;
};

export function createIdle(): Idle {
  let stopped = false;
  let woken = false;
  let wakeUp: (() => void) | null = null;
  return {
    rest: (ms) =>
      new Promise<void>((resolve) => {
        if (woken || stopped) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          wakeUp = null;
          resolve();
        }
        wakeUp = done;
      }),
    beginPass() {
      woken = false;
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    stop() {
      stopped = true;
      wakeUp?.();
    },
    get stopped() {
      return stopped;
    },
  };
}
