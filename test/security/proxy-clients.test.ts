// Behind a reverse proxy each client has its own rate limit, over real HTTP: with TRUST_PROXY=N
// the client is the N-th address from the right of X-Forwarded-For (what the proxies appended);
// with 0 (the default) the header is ignored, so nobody dodges a limit by writing it. Once the
// socket's address was the key, so behind the proxy one client failing to sign in locked
// everyone out. Request logs name the same client.
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddressFrom } from "../../src/auth/client-address.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createOrganization, createTestApp, ORIGIN } from "../support/app.js";
import { serveTestApp, type ServedApp } from "../support/http.js";

/** Local sign-in allows a burst of 20 per client. */
const BURST = 20;

async function signInAttempt(s: ServedApp, forwardedFor?: string): Promise<number> {
  const response = await fetch(`${s.url}/login/local`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ email: "nobody@contoso.example" }),
    headers: { Origin: s.url, ...(forwardedFor ? { "X-Forwarded-For": forwardedFor } : {}) },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Attempts as one client until it is refused (its burst, plus what refilled meanwhile on a slow machine). */
async function exhaust(s: ServedApp, forwardedFor: string) {
  let served = 0;
  while (served < 3 * BURST && (await signInAttempt(s, forwardedFor)) === 422) served++;
  expect(served).toBeGreaterThanOrEqual(BURST);
  expect(served).toBeLessThan(2 * BURST);
}

describe("TRUST_PROXY=1: one proxy in front", () => {
  let s: ServedApp;
  beforeAll(async () => {
    s = await serveTestApp({ env: { TRUST_PROXY: "1" } });
    await createOrganization(s.t.deps.db, { name: "Contoso", domain: "contoso.example" });
  });
  afterAll(() => s?.close());

  it("a client locked out of sign-in does not lock out another client behind the same proxy", async () => {
    await exhaust(s, "203.0.113.7");
    expect(await signInAttempt(s, "198.51.100.9")).toBe(422);
  });

  it("addresses the client wrote to the left of the proxy's are not believed", async () => {
    await exhaust(s, "203.0.113.20");
    expect(await signInAttempt(s, "192.0.2.1, 203.0.113.20")).toBe(429);
    expect(await signInAttempt(s, "192.0.2.2,203.0.113.20")).toBe(429);
  });
});

describe("TRUST_PROXY=0 (the default): X-Forwarded-For is ignored", () => {
  let s: ServedApp;
  beforeAll(async () => {
    s = await serveTestApp();
    await createOrganization(s.t.deps.db, { name: "Contoso", domain: "contoso.example" });
  });
  afterAll(() => s?.close());

  it("a client cannot dodge the limit by writing a new X-Forwarded-For each time", async () => {
    const started = performance.now();
    let served = 0;
    for (let i = 0; i < 2 * BURST; i++) if ((await signInAttempt(s, `10.1.0.${i}`)) === 422) served++;
    // The burst, and what refilled (half a token a second) while the attempts ran: never one bucket per address.
    const refilled = Math.ceil(((performance.now() - started) / 1000) * 0.5);
    expect(served).toBeGreaterThanOrEqual(BURST);
    expect(served).toBeLessThanOrEqual(BURST + refilled);
  });
});

describe("the client address", () => {
  it("is the N-th address from the right with N proxies, the socket's with none", () => {
    expect(clientAddressFrom("10.0.0.1", "203.0.113.7", 0)).toBe("10.0.0.1");
    expect(clientAddressFrom("10.0.0.1", "203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientAddressFrom("10.0.0.2", "spoofed, 203.0.113.7, 10.0.0.1", 2)).toBe("203.0.113.7");
    expect(clientAddressFrom("10.0.0.2", "spoofed, 203.0.113.7, 10.0.0.1", 1)).toBe("10.0.0.1");
    expect(clientAddressFrom("10.0.0.2", "203.0.113.7", 3)).toBe("203.0.113.7"); // fewer hops than proxies: the furthest
    expect(clientAddressFrom("10.0.0.1", undefined, 1)).toBe("10.0.0.1");
    expect(clientAddressFrom(undefined, undefined, 0)).toBe("local");
  });

  it("is what request logs name", async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const app = createApp({ ...t.deps, logger: pino({ level: "info" }, sink) });
      await app.request(`${ORIGIN}/login`, { headers: { "X-Forwarded-For": "192.0.2.9, 203.0.113.7" } }, {
        incoming: { socket: { remoteAddress: "10.0.0.1" } },
      } as never);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request");
      expect(logged).toMatchObject({ client: "203.0.113.7", path: "/login", status: 200 });
    } finally {
      t.close();
    }
  });
});

describe("TRUST_PROXY and SESSION_MAX_HOURS", () => {
  it("default to 0 and 12, and refuse what is not a whole number in range, naming the variable", () => {
    expect(loadConfig({})).toMatchObject({ trustProxy: 0, sessionMaxHours: 12 });
    expect(loadConfig({ TRUST_PROXY: "2", SESSION_MAX_HOURS: "1" })).toMatchObject({ trustProxy: 2, sessionMaxHours: 1 });
    for (const value of ["-1", "yes", "1.5", "11"])
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(/^TRUST_PROXY=.* expected a whole number from 0 to 10$/);
    for (const value of ["0", "12h", "9999"])
      expect(() => loadConfig({ SESSION_MAX_HOURS: value }), value).toThrow(/^SESSION_MAX_HOURS=.* expected a whole number from 1 to 8784$/);
  });
});
