// Paces provider requests: request starts are at least 1000/rps ms apart (plus a small margin
// for timer and network jitter), so no 1-second window ever holds more than `rps` requests.
// A 429 pauses the pace for the provider's Retry-After. The interval is the domain's (mail-rate.ts):
// the mail progress estimates the time left from the same figure.
import { paceIntervalMs } from "../domain/mail-rate.js";

export type Pacer = {
  /** Reserves the next slot and waits for it. */
  take(signal?: AbortSignal): Promise<void>;
  /** Waits until a slot would be free, without reserving it (so a lease is not held while paused). */
  untilFree(signal?: AbortSignal): Promise<void>;
  pause(ms: number): void;
};

export function createPacer(requestsPerSecond: number): Pacer {
  const interval = paceIntervalMs(requestsPerSecond);
  let nextAt = 0;
  return {
    async take(signal) {
      const now = performance.now();
      const at = Math.max(now, nextAt);
      nextAt = at + interval;
      await sleep(at - now, signal);
    },
    async untilFree(signal) {
      await sleep(nextAt - performance.now(), signal);
    },
    pause(ms) {
      nextAt = Math.max(nextAt, performance.now() + ms);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.ceil(ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}
