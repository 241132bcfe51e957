// npm run directory:import -- --org "<name>" [--admin <address>] [--full] [--dry-run] <file.csv>
// Loads an Entra "Download users" export into an organization's directory; with --full the file
// is the whole directory and people missing from it have left. Everything it cannot read is
// refused before anything changes (one line, or one line per rejected row, exit code 1); the
// import itself is one transaction (src/domain/directory-import.ts).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkDatabaseFile } from "../db/backup.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { databaseFilePath } from "../db/open-errors.js";
import { readDirectoryCsv, type DirectoryCsvRead } from "../domain/directory-csv.js";
import { importDirectory, type DirectoryImportSummary } from "../domain/directory-import.js";
import { exitWithOneLine, loadConfigOrExit, openOrExit } from "../start-up.js";

const usage = 'Usage: npm run directory:import -- --org "<organization name>" [--admin <address>] [--full] [--dry-run] <file.csv>';
const parseOptions = {
  options: { org: { type: "string" }, admin: { type: "string" }, full: { type: "boolean" }, "dry-run": { type: "boolean" } },
  allowPositionals: true,
} as const;
let parsed: ReturnType<typeof parseArgs<typeof parseOptions>>;
try {
  parsed = parseArgs(parseOptions);
} catch (error) {
  console.error(`${(error as Error).message.split("\n")[0]}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const orgName = values.org?.trim();
if (!orgName || positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}
const file = positionals[0]!;
const dryRun = values["dry-run"] === true;
const full = values.full === true;
/** What a refusal left alone: with --full, also everyone in the directory. */
const nothing = full
  ? "Nothing was imported and nobody was removed: --full removes people only when the file lists the whole directory, or everyone would go."
  : "Nothing was imported.";

let bytes: Buffer;
try {
  bytes = readFileSync(file);
} catch (error) {
  exitWithOneLine(
    `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : (error as Error).message}. ${nothing}`,
  );
}
const config = loadConfigOrExit();
const read = readDirectoryCsv(bytes);
if (!read.ok) exitWithOneLine(`${file}: ${read.message} ${nothing}`);
if (read.rejected.length > 0) {
  const shown = read.rejected.slice(0, 20);
  console.error(
    `${file}: ${read.rejected.length} ${read.rejected.length === 1 ? "line" : "lines"} cannot be imported, so nothing was${full ? " (and nobody was removed)" : ""}. Fix or remove ${read.rejected.length === 1 ? "it" : "them"} and run again:`,
  );
  for (const r of shown) console.error(`  line ${r.line}: ${r.reason}`);
  if (read.rejected.length > shown.length) console.error(`  … and ${read.rejected.length - shown.length} more`);
  process.exit(1);
}

const path = databaseFilePath(config.databaseUrl);
if (path) {
  const check = checkDatabaseFile(path);
  if (!check.ok) exitWithOneLine(`Nothing was imported: ${check.reason}. Start the server once to create the database, or check DATABASE_URL.`);
}
const database = await openOrExit(config.databaseUrl, async () => {
  const opened = await openDatabase(config.databaseUrl, config.databaseAuthToken, { fastPaths: config.embeddedFastPaths });
  await migrateDatabase(opened.db);
  return opened;
});
const outcome = await importDirectory(database.db, { orgName, people: read.people, admin: values.admin, entraMode: !config.localMode, dryRun, full });
database.close();
if (!outcome.ok) exitWithOneLine(`${outcome.message} ${nothing}`);
console.log(`Read ${file}: ${describeDetection(read)}.`);
for (const line of describeSummary(orgName, outcome.summary)) console.log(line);

function describeSummary(org: string, s: DirectoryImportSummary): string[] {
  const count = new Intl.NumberFormat("en-US");
  const will = (done: string, would: string) => (s.dryRun ? would : done);
  const lines: string[] = [];
  if (s.dryRun) lines.push("Dry run: nothing was changed. A real run would do this:");
  if (s.orgCreated) {
    lines.push(
      `${org}: ${will("organization created", "would create the organization")} with the domains ${s.domains.join(", ") || "(none)"}; Business Administrator ${s.admin}.`,
    );
  } else if (s.admin) {
    lines.push(`${org}: ${s.admin} ${will("is now", "would become")} a Business Administrator.`);
  }
  lines.push(
    `${org}: ${count.format(s.added)} ${s.added === 1 ? "person" : "people"} ${will("added", "would be added")}, ${count.format(s.updated)} ${will("updated", "would be updated")}.`,
  );
  if (full) {
    const more = s.removed - s.removedListed.length;
    const who = s.removed === 0 ? "" : `: ${s.removedListed.join(", ")}${more > 0 ? ` and ${count.format(more)} more` : ""}`;
    lines.push(
      `${org}: ${count.format(s.removed)} ${s.removed === 1 ? "person" : "people"} not in the file ${will("removed (they have left)", "would be removed (they have left)")}${who}.`,
    );
  } else if (!s.orgCreated) {
    lines.push("Nobody was removed: people missing from the file stay (add --full when the file is the whole directory).");
  }
  if (s.archived > 0) {
    lines.push(
      `${count.format(s.archived)} ${s.archived === 1 ? "user" : "users"} who left or whose account is disabled ${will("archived", "would be archived")}: open invitations revoked, no email sent.`,
    );
  }
  if (s.guests > 0) {
    const domains = s.guestDomains.length ? ` (${s.guestDomains.join(", ")})` : "";
    lines.push(
      `${count.format(s.guests)} ${s.guests === 1 ? "guest" : "guests"} from other organizations: their domains${domains} are not the organization's.`,
    );
  }
  return lines;
}

/** "UTF-16 LE, tab-separated, 2,000 people (3 guests)". */
function describeDetection(read: Extract<DirectoryCsvRead, { ok: true }>): string {
  const count = new Intl.NumberFormat("en-US");
  const separator = read.delimiter === "\t" ? "tab" : read.delimiter === ";" ? "semicolon" : "comma";
  const guests = read.people.filter((p) => p.guest).length;
  const people = `${count.format(read.people.length)} ${read.people.length === 1 ? "person" : "people"}`;
  return `${read.encoding}, ${separator}-separated, ${people}${guests ? ` (${count.format(guests)} ${guests === 1 ? "guest" : "guests"})` : ""}`;
}
