// One libSQL client per process: an embedded file (WAL, busy timeout, foreign keys) by
// default, or a libSQL server named by DATABASE_URL.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "./schema.js";

export type Db = ReturnType<typeof drizzle<typeof schema>>;
export type Database = { db: Db; client: Client; embedded: boolean };

export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const embedded = url.startsWith("file:") || url === ":memory:";
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)) || ".", { recursive: true });
  const client = createClient({ url, authToken });
  if (embedded) {
    // journal_mode answers with a row; the others are plain settings for this connection.
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA busy_timeout = 5000");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA foreign_keys = ON");
  }
  return { db: drizzle(client, { schema }), client, embedded };
}
