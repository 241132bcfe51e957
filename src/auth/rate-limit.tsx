// Per-client rate limits (sign-in, join, type-ahead, upload): a token bucket per key, in
// memory, keyed on the client (client-address.ts: behind TRUST_PROXY proxies, the one they
// forward). Each server process limits on its own; good enough against a single noisy client.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";
import { clientAddress } from "./client-address.js";
import { TooManyRequestsPage } from "../../views/errors.js";
import type { Child } from "hono/jsx";
import { isFragmentRequest, renderPage } from "../../views/respond.js";

type Bucket = { tokens: number; updatedAt: number };

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one token; answers how many seconds to wait when none is left (0 = allowed). */
  consume(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updatedAt: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.refillPerSecond);
    bucket.updatedAt = now;
    // Memory stays bounded under a flood of keys by forgetting the client heard from longest ago
    // (a Map keeps insertion order: a key used again moves to the end). Forgetting everyone at
    // once would let a flood of new addresses lift the limit on a client being held back.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.refillPerSecond);
  }
}

/**
 * `fragment`: what an htmx caller gets instead of the page (4xx answers are swapped in htmx 4, so
 * a whole page would land inside the element that asked, e.g. the type-ahead's listbox).
 */
export function rateLimit(name: string, limiter: RateLimiter, fragment?: (retryAfterSeconds: number) => Child) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const wait = limiter.consume(`${name}:${clientAddress(c)}`);
    if (wait === 0) return next();
    c.header("Retry-After", String(wait));
    c.status(429);
    if (fragment && isFragmentRequest(c)) {
      c.header("Vary", "HX-Request");
      // biome-ignore lint/complexity/noUselessFragments: the fragment renders a Child to the HTML string c.html takes.
      return c.html(<>{fragment(wait)}</>);
    }
    return renderPage(c, { title: "Too many requests", body: <TooManyRequestsPage retryAfterSeconds={wait} /> });
  });
}
