// npm run db:backup -- <file>
// A consistent copy of the embedded database while the server runs (src/db/backup.ts). Never
// succeeds on nothing: a missing database, or one this application never migrated, is refused
// with one line and exit code 1, before anything is written.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { backupDatabaseFile, checkDatabaseFile, type DatabaseFileSummary } from "../db/backup.js";
import { databaseFilePath, displayDatabaseUrl } from "../db/open-errors.js";
import { exitWithOneLine, loadConfigOrExit } from "../start-up.js";

const usage = "Usage: npm run db:backup -- <file>   (a new file: a backup never overwrites)";
const args = process.argv.slice(2);
if (args.length !== 1 || args[0]!.startsWith("-")) {
  console.error(usage);
  process.exit(2);
}
const config = loadConfigOrExit();
const source = databaseFilePath(config.databaseUrl);
if (!source) {
  exitWithOneLine(`DATABASE_URL is ${displayDatabaseUrl(config.databaseUrl)}: backups of a libSQL server are taken on the server (sqld, Turso), not here.`);
}
const check = checkDatabaseFile(source);
if (!check.ok) exitWithOneLine(`Nothing backed up: ${check.reason}. Check DATABASE_URL (it is ${displayDatabaseUrl(config.databaseUrl)}).`);
const target = resolve(args[0]!);
if (existsSync(target)) exitWithOneLine(`${target} already exists: choose a new file name (a backup never overwrites).`);
const started = performance.now();
let summary: DatabaseFileSummary;
try {
  mkdirSync(dirname(target), { recursive: true });
  summary = backupDatabaseFile(source, target);
} catch (error) {
  exitWithOneLine(`Backup to ${target} failed: ${(error as Error).message}`);
}
const size = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 }).format(summary.bytes / 1024 / 1024);
const count = new Intl.NumberFormat("en-US");
console.log(
  `Backup written to ${target}: ${size} MB, ${count.format(summary.members)} members in ${count.format(summary.organizations)} ${summary.organizations === 1 ? "organization" : "organizations"} (${Math.round(performance.now() - started)} ms)`,
);
