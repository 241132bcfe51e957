// Who the client is, for rate limits and request logs. Without proxies (TRUST_PROXY=0) it is the
// socket's address and X-Forwarded-For is ignored: anyone can write that header, so believing it
// would let a client pick a fresh rate-limit bucket per request. Behind N proxies each appends
// the address it heard from, so the client is the N-th address from the right; the ones to its
// left were written by the client and are never believed.
import type { Context } from "hono";
import type { AppEnv } from "../context.js";

/** The client given the socket's address, the X-Forwarded-For header and the number of trusted proxies. */
export function clientAddressFrom(socketAddress: string | undefined, forwardedFor: string | undefined, trustProxy: number): string {
  const socket = socketAddress ?? "local";
  if (trustProxy === 0 || !forwardedFor) return socket;
  const hops = forwardedFor.split(",");
  // Fewer hops than proxies (a proxy that did not append): the furthest one there is.
  const client = hops[Math.max(0, hops.length - trustProxy)]!.trim();
  return client ? client.slice(0, 100) : socket;
}

export function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientAddressFrom(env?.incoming?.socket?.remoteAddress, c.req.header("X-Forwarded-For"), c.get("deps").config.trustProxy);
}
