// Issue 2's targets: the Users page at 200,000 members (every filter, a search, a deep keyset
// page) at 10 connections; its throughput at 50 connections against a bare Hono page; cold start.
import { encodeCursor } from "../../src/domain/members.js";
import { benchSessionCookie, createBenchDatabase, startChildServer } from "../support/child-server.js";
import { median, runLoad, type LoadResult } from "../support/load.js";
import { seedLargeOrganization } from "../support/seed-large.js";
import { readSql } from "../support/db.js";

export async function benchUsers(options: { seconds?: number } = {}): Promise<Record<string, number | string>> {
  const seconds = options.seconds ?? 5;
  const database = await createBenchDatabase();
  const seedStarted = performance.now();
  const org = await seedLargeOrganization(database.db, { people: 200_000, members: 200_000 });
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const cookie = await benchSessionCookie(database.db, org.adminId, org.orgId);
  const deep = {
    rows: await readSql(database.db, "SELECT sort_name, id FROM members WHERE org_id = ? ORDER BY sort_name, id LIMIT 1 OFFSET 150000", [org.orgId]),
  };
  const after = encodeCursor(String(deep.rows[0]!.sort_name), String(deep.rows[0]!.id));
  database.close();

  const out: Record<string, number | string> = { "seed 200k people + 200k members (s)": Math.round(seedSeconds * 10) / 10 };
  const server = await startChildServer({ DATABASE_URL: database.url, WORKERS: "false" });
  out["cold start, fresh db, to /healthz (ms)"] = Math.round(server.startMs);
  const cases: Record<string, string[]> = {
    all: ["/users"],
    invited: ["/users?status=invited"],
    active: ["/users?status=active"],
    archived: ["/users?status=archived"],
    search: ["/users?q=maya", "/users?q=ben", "/users?q=olivia.lopez", "/users?status=active&q=sam"],
    "deep page": [`/users?after=${after}`],
  };
  const results: Record<string, LoadResult> = {};
  for (const [name, paths] of Object.entries(cases)) {
    results[name] = await runLoad({ url: server.url, paths, connections: 10, seconds, headers: { cookie } });
    out[`users ${name} p95 @10 (ms)`] = results[name]!.p95;
    out[`users ${name} p50 @10 (ms)`] = results[name]!.p50;
    out[`users ${name} p99 @10 (ms)`] = results[name]!.p99;
    out[`users ${name} errors`] = results[name]!.errors + results[name]!.non2xx;
  }
  // Issue 18: a broad search (a letter or two: thousands of matches) against the filtered list,
  // alternating three times so a neighbour's load falls on both alike; the median of the ratios.
  const broad = ["/users?q=a", "/users?q=s", "/users?q=m", "/users?status=active&q=b"];
  const filtered = ["/users?status=invited", "/users?status=active", "/users?status=archived"];
  const searchRounds: { broad: number; filtered: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const list = await runLoad({ url: server.url, paths: filtered, connections: 10, seconds, headers: { cookie } });
    const search = await runLoad({ url: server.url, paths: broad, connections: 10, seconds, headers: { cookie } });
    searchRounds.push({ broad: search.p95, filtered: list.p95 });
    out["users broad search errors"] = (Number(out["users broad search errors"]) || 0) + search.errors + search.non2xx;
  }
  out["users broad search p95 @10 (ms, median of 3)"] = median(searchRounds.map((r) => r.broad));
  out["users filtered list p95 @10 (ms, median of 3)"] = median(searchRounds.map((r) => r.filtered));
  out["broad search p95 / filtered list p95, median of 3 alternating rounds (target <= 2)"] =
    Math.round(median(searchRounds.map((r) => r.broad / r.filtered)) * 100) / 100;
  // Throughput against the bare page: both servers up, runs alternating (ours, bare) three times,
  // so a neighbour's load on this shared machine falls on both alike; the median of the ratios.
  const baseline = await startChildServer({ DATABASE_URL: database.url }, "test/bench/baseline-server.tsx");
  // Yardsticks for the latency target on this machine: the bare page, and our own /healthz (no
  // session, no query, no page), at the same 10 connections.
  const bare10 = await runLoad({ url: baseline.url, paths: ["/users"], connections: 10, seconds });
  const health10 = await runLoad({ url: server.url, paths: ["/healthz"], connections: 10, seconds });
  for (const [name, r] of [
    ["bare hono+jsx page", bare10],
    ["our /healthz", health10],
  ] as const) {
    out[`${name} p50 / p95 / p99 @10 (ms)`] = `${r.p50} / ${r.p95} / ${r.p99}`;
    out[`${name} req/s @10`] = r.rps;
  }
  const rounds: { ours: number; bare: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const ours = await runLoad({ url: server.url, paths: ["/users"], connections: 50, seconds, headers: { cookie } });
    const bare = await runLoad({ url: baseline.url, paths: ["/users"], connections: 50, seconds });
    rounds.push({ ours: ours.rps, bare: bare.rps });
  }
  await baseline.stop();
  await server.stop();
  out["users req/s @50 (median of 3)"] = median(rounds.map((r) => r.ours));
  out["bare hono+jsx req/s @50 (median of 3)"] = median(rounds.map((r) => r.bare));
  out["throughput ratio, median of 3 alternating rounds (target >= 0.7)"] = Math.round(median(rounds.map((r) => r.ours / r.bare)) * 100) / 100;
  out["throughput ratios per round"] = rounds.map((r) => (r.ours / r.bare).toFixed(2)).join(" ");

  // `npm start` as an admin types it (npm, the bundle, migrations checked), three times: the median.
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const cold = await startChildServer({ DATABASE_URL: database.url }, "npm start");
    colds.push(cold.startMs);
    await cold.stop();
  }
  out["cold start, existing db, npm start to /healthz (ms, median of 3)"] = Math.round(colds.sort((a, b) => a - b)[1]!);

  database.dispose();
  return out;
}
