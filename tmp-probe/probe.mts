import { openDatabase } from "../src/db/client.js";
import { migrateDatabase } from "../src/db/migrate.js";
import { writeFileSync, mkdirSync } from "node:fs";
writeFileSync("/tmp/ops19-err/afile", "x");
mkdirSync("/tmp/ops19-err/adir.db", { recursive: true });
writeFileSync("/tmp/ops19-err/junk.db", "this is not a database at all, just text text ".repeat(500));
const url = process.argv[2]!;
const t = Date.now();
try { const d = await openDatabase(url); console.log("opened"); await migrateDatabase(d.db); console.log(url, "OK"); }
catch (e: any) { console.log("=== ", url, Date.now() - t, "ms"); let x = e; let depth=0; while (x && depth < 5) { console.log("  ", x.constructor?.name, x.code, x.rawCode, x.errno, JSON.stringify(x.message)); x = x.cause; depth++; } }
