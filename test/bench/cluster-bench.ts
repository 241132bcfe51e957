// WEB_CONCURRENCY: the same load (the Users page, a status filter, the type-ahead; 10 connections)
// against one server process, then against two on the one port. For two: how many requests each
// process answered (from the request log lines, which name their process) and the CPU each used
// (from /proc), so "both processes serve" is a figure. On a machine with two shared cores no
// throughput gain can show; on more cores the rate should grow with the processes.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { childPids, requestsPerProcess, untilAllListening } from "../support/processes.js";
import { benchSessionCookie, createBenchDatabase, startChildServer } from "../support/child-server.js";
import { round, runLoadApart } from "../support/load.js";
import { seedLargeOrganization } from "../support/seed-large.js";

const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14 and 15)
}

export async function benchCluster(options: { seconds?: number; people?: number } = {}): Promise<Record<string, number | string>> {
  const seconds = options.seconds ?? Number(process.env.CLUSTER_BENCH_SECONDS ?? 15);
  const people = options.people ?? 20_000;
  const database = await createBenchDatabase();
  const org = await seedLargeOrganization(database.db, { people, members: people / 4, domain: "cluster.example", name: "Cluster Corp" });
  const cookie = await benchSessionCookie(database.db, org.adminId, org.orgId);
  const out: Record<string, number | string> = { "load average before": loadavg()[0]!.toFixed(2) };
  try {
    for (const processes of [1, 2]) {
      const server = await startChildServer(
        { DATABASE_URL: database.url, WEB_CONCURRENCY: String(processes), LOG_LEVEL: "info", DIRECTORY_SEARCH_PER_SECOND: "1000000" },
        "src/server.ts",
        { keepOutput: true },
      );
      try {
        const pids = processes === 1 ? [server.child.pid!] : await untilAllListening(server, processes);
        // Warm-up, not counted: every process compiles its hot paths and fills its caches first.
        await runLoadApart({
          url: server.url,
          paths: ["/users", "/users?status=invited", "/directory/search?q=ava"],
          connections: 10,
          seconds: 3,
          headers: { cookie, "HX-Request": "true" },
        });
        // One process logs no pid: its lines are all its own.
        const answered = (pid: number) =>
          processes === 1 ? [...requestsPerProcess(server).values()].reduce((a, b) => a + b, 0) : (requestsPerProcess(server).get(pid) ?? 0);
        const before = new Map(pids.map((pid) => [pid, { cpu: cpuSeconds(pid), served: answered(pid) }]));
        const primaryBefore = processes > 1 ? cpuSeconds(server.child.pid!) : 0;
        const load = await runLoadApart({
          url: server.url,
          paths: ["/users", "/users?status=invited", "/directory/search?q=ava"],
          connections: 10,
          seconds,
          headers: { cookie, "HX-Request": "true" },
        });
        await new Promise((resolve) => setTimeout(resolve, 300)); // the last log lines
        const label = `WEB_CONCURRENCY=${processes}`;
        out[`${label}: requests/s`] = load.rps;
        out[`${label}: p99 (ms)`] = load.p99;
        out[`${label}: errors+non2xx`] = load.errors + load.non2xx;
        pids.forEach((pid, i) => {
          out[`${label}: process ${i + 1} requests answered`] = answered(pid) - before.get(pid)!.served;
          out[`${label}: process ${i + 1} CPU (s)`] = round(cpuSeconds(pid) - before.get(pid)!.cpu);
        });
        if (processes > 1) {
          out[`${label}: primary CPU (s)`] = round(cpuSeconds(server.child.pid!) - primaryBefore);
          out[`${label}: server processes at the end`] = childPids(server.child.pid!).length;
        }
      } finally {
        await server.stop();
      }
    }
    out["load average after"] = loadavg()[0]!.toFixed(2);
    return out;
  } finally {
    database.dispose();
  }
}
