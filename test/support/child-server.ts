// The admin center as a child process (as `npm start` runs it, so a load generator or a test
// never shares its event loop), on a throwaway database file, with a signed-in cookie. Used by
// the process tests and the benchmarks alike.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
  return {
    ...database,
    url,
    dir,
    dispose: () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
  url: string;
  child: ChildProcess;
  startMs: number;
  peakRssMb(): number;
  stop(): Promise<void>;
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
  const [command, args] =
    entry === "npm start"
      ? ["npm", ["start", "--silent"]]
      : entry === "src/server.ts"
        ? [process.execPath, [...nodeArgs, "src/cli/start.mjs"]]
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
    url,
    child,
    startMs,
    outputLines: () => output.split("\n").filter((line) => line.trim() !== ""),
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024;
    },
    stop: () =>
      new Promise((resolve) => {
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
