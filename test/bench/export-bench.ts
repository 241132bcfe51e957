// Issue 20's roster export target: GET /users.csv of 200,000 members from the server as a child
// process: the first byte under 200 ms, the server's memory growing by under 50 MB while it
// streams (peak RSS during the download minus RSS before it). Also a filtered export (invited, a
// search). The body is read as it arrives and counted, never kept. A first byte comes in about
// 10 ms, where one neighbour's time slice doubles a single reading: each is the median of five
// downloads (the whole roster's first byte: of three, the first also measured for memory).
import { readFileSync } from "node:fs";
import { benchSessionCookie, createBenchDatabase, startChildServer, type ChildServer } from "../support/child-server.js";
import { median, round } from "../support/load.js";
import { seedLargeOrganization } from "../support/seed-large.js";

const rssMb = (server: ChildServer, field: "VmRSS" | "VmHWM") =>
  Number(readFileSync(`/proc/${server.child.pid}/status`, "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0) / 1024;

/** Downloads `path`; answers the time to the first body byte, the whole time, and the lines. */
async function timedDownload(url: string, cookie: string) {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}`);
  let firstByteMs = -1;
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (firstByteMs < 0) firstByteMs = performance.now() - started;
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
  }
  return { firstByteMs, totalMs: performance.now() - started, bytes, rows: lines - 1 };
}

export async function benchExport(options: { members?: number } = {}): Promise<Record<string, number>> {
  const count = options.members ?? 200_000;
  const database = await createBenchDatabase();
  const out: Record<string, number> = {};
  try {
    const seedStarted = performance.now();
    const org = await seedLargeOrganization(database.db, { people: count, members: count });
    out[`seed ${count.toLocaleString("en-US")} people + members (s)`] = round((performance.now() - seedStarted) / 1000, 1);
    const cookie = await benchSessionCookie(database.db, org.adminId, org.orgId);
    const server = await startChildServer({ DATABASE_URL: database.url, WORKERS: "false" });
    try {
      // Warm up: the page's queries prepared, the first allocations made.
      await (await fetch(`${server.url}/users`, { headers: { cookie } })).text();
      await (await fetch(`${server.url}/users.csv?q=zzz`, { headers: { cookie } })).text();
      const before = rssMb(server, "VmRSS");
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMb(server, "VmRSS"));
      }, 20);
      const all = await timedDownload(`${server.url}/users.csv`, cookie);
      clearInterval(sampler);
      const allAgain = [await timedDownload(`${server.url}/users.csv`, cookie), await timedDownload(`${server.url}/users.csv`, cookie)];
      out["all: rows"] = all.rows;
      out["all: size (MB)"] = round(all.bytes / 1024 / 1024, 1);
      out["all: first byte (ms, median of 3, target < 200)"] = round(median([all, ...allAgain].map((d) => d.firstByteMs)), 1);
      out["all: whole download (ms, median of 3)"] = Math.round(median([all, ...allAgain].map((d) => d.totalMs)));
      out["all: server RSS before (MB)"] = Math.round(before);
      out["all: server RSS growth while streaming (MB, target < 50)"] = round(peak - before, 1);
      const invited: Awaited<ReturnType<typeof timedDownload>>[] = [];
      for (let i = 0; i < 5; i++) invited.push(await timedDownload(`${server.url}/users.csv?status=invited`, cookie));
      out["invited: rows"] = invited[0]!.rows;
      out["invited: first byte (ms, median of 5)"] = round(median(invited.map((d) => d.firstByteMs)), 1);
      out["invited: whole download (ms, median of 5)"] = Math.round(median(invited.map((d) => d.totalMs)));
      const search = await timedDownload(`${server.url}/users.csv?q=maya`, cookie);
      out["search 'maya': rows"] = search.rows;
      out["search 'maya': whole download (ms)"] = Math.round(search.totalMs);
    } finally {
      await server.stop();
    }
  } finally {
    database.dispose();
  }
  return out;
}
