// npm run directory:import -- --org "<name>" <file.csv>
// Reads an Entra "Download users" export and upserts its people into the organization's directory.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { findOrCreateOrganization, parseDirectoryCsv, upsertDirectoryPeople } from "../domain/directory.js";

const usage = 'Usage: npm run directory:import -- --org "<organization name>" <file.csv>';
const { values, positionals } = parseArgs({ options: { org: { type: "string" } }, allowPositionals: true });
if (!values.org || positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(positionals[0]!, "utf8");
} catch (error) {
  console.error(`Cannot read ${positionals[0]}: ${(error as Error).message}`);
  process.exit(2);
}
const config = loadConfig();
const { db, client } = await openDatabase(config.databaseUrl, config.databaseAuthToken);
await migrateDatabase(db);
const { people, rejected } = parseDirectoryCsv(text);
const domains = [...new Set(people.map((p) => (p.mail ?? p.userPrincipalName ?? "").split("@")[1]?.toLowerCase()).filter((d): d is string => !!d))];
const org = await findOrCreateOrganization(db, { name: values.org, domains });
const { added, updated } = await upsertDirectoryPeople(db, org.id, people);
console.log(`${values.org}: ${added} added, ${updated} updated, ${rejected.length} rejected`);
for (const r of rejected) console.log(`  line ${r.line}: ${r.reason}`);
client.close();
