// Applies the generated SQL in drizzle/ at start-up (and in every test database).
import { migrate } from "drizzle-orm/libsql/migrator";
import { projectPath } from "../paths.js";
import type { Db } from "./client.js";

const migrationsFolder = projectPath("drizzle");

export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
