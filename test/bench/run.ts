// npm run bench [-- name ...]: runs the benchmarks (all, or the named ones), prints one table,
// and writes the figures as JSON to test/bench/results/<date>.json and latest.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/child-server.js";

type Bench = () => Promise<Record<string, number | string>>;
const benches: Record<string, () => Promise<Bench>> = {
  users: async () => (await import("./users-bench.js")).benchUsers,
  mail: async () => (await import("./mail-bench.js")).benchMail,
  invite: async () => (await import("./invite-bench.js")).benchInvite,
  group: async () => (await import("./group-bench.js")).benchGroupInvite,
  import: async () => (await import("./import-bench.js")).benchImport,
  "import-1m": async () => (await import("./import-bench.js")).benchImport1m,
  send: async () => (await import("./send-bench.js")).benchSend,
  load: async () => (await import("../support/load-scenario.js")).benchLoad,
  directory: async () => (await import("./directory-bench.js")).benchDirectorySync,
  scim: async () => (await import("./scim-bench.js")).benchScim,
  export: async () => (await import("./export-bench.js")).benchExport,
  cluster: async () => (await import("./cluster-bench.js")).benchCluster,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const results: Record<string, Record<string, number | string>> = {};
for (const [name, load] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  const started = performance.now();
  try {
    results[name] = await (await load())();
  } catch (error) {
    results[name] = { error: (error as Error).message };
  }
  for (const [k, v] of Object.entries(results[name]!)) console.log(`  ${k.padEnd(58)} ${typeof v === "number" ? v.toLocaleString("en-US") : v}`);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
const dir = join(ROOT, "test/bench/results");
mkdirSync(dir, { recursive: true });
const json = JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2);
writeFileSync(join(dir, "latest.json"), json);
writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`), json);
console.log(`\nWritten to test/bench/results/latest.json`);
