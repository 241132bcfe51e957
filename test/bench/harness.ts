// Shared benchmark tools: a throwaway database, the admin center as a child process (so the
// load generator never shares its event loop), a signed-in cookie, and an HTTP load run with
// exact percentiles from every response time.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { sessions } from "../../src/db/schema.js";
import { newToken, sha256Hex } from "../../src/ids.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export type BenchDatabase = Database & { url: string; dir: string; dispose(): void };

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "admin-center-bench-"));
  const url = `file:${join(dir, "app.db")}`;
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  return { ...database, url, dir, dispose: () => { database.close(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export type ChildServer = {
  url: string; child: ChildProcess; startMs: number; peakRssMb(): number; stop(): Promise<void>;
  /** What it printed on stdout, line by line (its JSON logs); empty unless started with `keepOutput`. */
  outputLines(): string[];
};

/**
 * Starts the server as a child process and waits for /healthz: "src/server.ts" (the default) runs
 * the way `npm start` does (the bundle of src/cli/start.mjs), "npm start" runs npm itself (for
 * the cold start), and any other entry runs through tsx.
 */
export async function startChildServer(env: Record<string, string>, entry = "src/server.ts", options: { keepOutput?: boolean } = {}): Promise<ChildServer> {
  const port = await freePort();
  const started = performance.now();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const [command, args] = entry === "npm start" ? ["npm", ["start", "--silent"]]
    : entry === "src/server.ts" ? [process.execPath, [...nodeArgs, "src/cli/start.mjs"]]
    : [process.execPath, [...nodeArgs, "--import", "tsx", entry]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: "warn", SEED_DEMO: "false", ...env },
    stdio: ["ignore", options.keepOutput ? "pipe" : "ignore", "inherit"],
    detached: true, // its own process group: stop() reaches the server under npm too
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = performance.now() - started;
  return {
    url, child, startMs,
    outputLines: () => output.split("\n").filter((line) => line.trim() !== ""),
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024;
    },
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-child.pid!, "SIGTERM");
    }),
  };
}

/** A session row for a person, and the Cookie header that presents it. */
export async function benchSessionCookie(db: Database["db"], personId: string, orgId: string): Promise<string> {
  const token = newToken();
  await db.write((tx) => tx.insert(sessions).values({ id: sha256Hex(token), personId, orgId, roles: ["admin"], expiresAt: new Date(Date.now() + 86_400_000) }));
  return `session=${token}`;
}

export type LoadResult = { requests: number; errors: number; non2xx: number; rps: number; p50: number; p95: number; p99: number };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs autocannon over `paths` (round-robin) and computes percentiles from every response time. */
export async function runLoad(input: { url: string; paths: string[]; connections: number; seconds: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const times: number[] = [];
  let non2xx = 0;
  // Without a callback autocannon answers an EventEmitter that is also a promise of the result.
  const instance = autocannon({
    url: input.url,
    connections: input.connections,
    duration: input.seconds,
    headers: input.headers,
    requests: input.paths.map((path) => ({ method: "GET", path })),
  }) as unknown as Promise<autocannon.Result> & { on(event: "response", fn: (client: unknown, status: number, bytes: number, ms: number) => void): void };
  instance.on("response", (_client, status, _bytes, responseTime) => {
    times.push(responseTime);
    if (status < 200 || status >= 300) non2xx++;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    requests: times.length, errors: result.errors + result.timeouts, non2xx,
    rps: Math.round(times.length / input.seconds),
    p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)),
  };
}

export const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
