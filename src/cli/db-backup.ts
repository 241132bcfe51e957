// npm run db:backup -- <file>
// A consistent copy of the embedded database while the server runs: SQLite's VACUUM INTO reads
// one snapshot (WAL readers never block the writer) and writes a compact, self-contained file.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";

const target = process.argv[2];
if (!target) {
  console.error("Usage: npm run db:backup -- <file>");
  process.exit(2);
}
const config = loadConfig();
if (!config.databaseUrl.startsWith("file:")) {
  console.error(`DATABASE_URL is ${config.databaseUrl}: backups of a libSQL server are taken on the server (sqld/Turso), not here.`);
  process.exit(2);
}
const file = resolve(target);
if (existsSync(file)) {
  console.error(`${file} already exists: choose a new file name (a backup never overwrites).`);
  process.exit(2);
}
mkdirSync(dirname(file), { recursive: true });
const { client } = await openDatabase(config.databaseUrl, config.databaseAuthToken);
const started = performance.now();
await client.execute({ sql: "VACUUM INTO ?", args: [file] });
client.close();
console.log(`Backup written to ${file} in ${Math.round(performance.now() - started)} ms`);
