// An HTTP load run with exact percentiles from every response time (autocannon), in the calling
// process (runLoad) or in a child process of its own (runLoadApart: load generators sharing one
// event loop starve the ones started last).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { ROOT } from "./child-server.js";

export type LoadResult = { requests: number; errors: number; non2xx: number; rps: number; p50: number; p95: number; p99: number };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type LoadInput = Parameters<typeof runLoad>[0];
const SELF = fileURLToPath(import.meta.url);

/** runLoad in a child process of its own; answers its result. */
export function runLoadApart(input: LoadInput): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", SELF, "--load-client", JSON.stringify(input)], { cwd: ROOT, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult);
    });
  });
}

/** Runs autocannon over `paths` (round-robin) and computes percentiles from every response time. */
export async function runLoad(input: {
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
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
    requests: times.length,
    errors: result.errors + result.timeouts,
    non2xx,
    rps: Math.round(times.length / input.seconds),
    p50: round(percentile(times, 50)),
    p95: round(percentile(times, 95)),
    p99: round(percentile(times, 99)),
  };
}

export const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

/** The middle value (the upper middle of an even count): one figure of several runs that a single slow one cannot move. */
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Run as a load client (runLoadApart): last, once everything above is defined.
if (process.argv[1] === SELF && process.argv[2] === "--load-client") {
  console.log(JSON.stringify(await runLoad(JSON.parse(process.argv[3]!) as LoadInput)));
}
