// Rows found by a list of ids (archive a selection, refresh the rows shown, leavers, a directory
// sync's known people) are searched by the list's own index, never by walking the organization:
// without statistics SQLite takes `org_id = ?` for about ten rows and, given more than a few ids,
// would rather walk the organization's whole index and test every row against the list
// (src/db/filters.ts). Each statement these actions run is explained against the migrated schema;
// the plan does not depend on how many rows there are.
import { createRequire } from "node:module";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../src/db/client.js";
import { directoryPeople } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { removeDirectoryPeople } from "../../src/domain/directory.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers } from "../../src/domain/member-archive.js";
import { findMemberRows } from "../../src/domain/member-rows.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

type NativeDatabase = { prepare(sql: string): { raw(toggle: boolean): { all(): [number, number, number, string][] } }; close(): void };
const require = createRequire(import.meta.url);

const LIST_SIZE = 20;
/** A search of an index by the organization alone: the walk these statements must not make. */
const ORGANIZATION_WALK = /USING (COVERING )?INDEX \w+ \(org_id=\?\)$/;

let database: TestDatabase;
let watched: Database;
let native: NativeDatabase;
let seen: string[];
let actor: Actor;
let orgId: string;

beforeEach(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, { name: "Lists", domain: "lists.example", extra: LIST_SIZE + 5 });
  orgId = org.id;
  const admin = (await findPersonByAddress(database.db, "admin@lists.example", org.id))!;
  actor = { personId: admin.id, orgId: org.id, name: "Admin of Lists" };
  seen = [];
  watched = await openDatabase(database.url, undefined, {
    fastPaths: database.env.EMBEDDED_FAST_PATHS === "true",
    onRead: (stmt) => seen.push(typeof stmt === "string" ? stmt : stmt.sql),
    onWrite: (sql) => seen.push(sql),
  });
  native = new (require("libsql") as new (path: string) => NativeDatabase)(database.path);
});
afterEach(() => {
  native.close();
  watched.close();
  database.close();
});

/** The statements seen that name a list of more than a few values, each with its plan's walks of an organization. */
function listStatementWalks(): { sql: string; walks: string[] }[] {
  return seen
    .filter((sql) => /\bin \((\?, ){3,}/i.test(sql) || /json_each/i.test(sql))
    .map((sql) => ({
      sql,
      walks: native
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .raw(true)
        .all()
        .map((row) => row[3])
        .filter((detail) => ORGANIZATION_WALK.test(detail)),
    }));
}

const emails = Array.from({ length: LIST_SIZE }, (_, i) => `person${i + 1}@lists.example`);

describe("a list of ids", () => {
  it("is found by its own index when a selection is archived and its rows shown again", async () => {
    const { outcomes } = await inviteMembers(database.db, actor, { emails }, { publicUrl: "https://admin.example" });
    const ids = outcomes.map((o) => o.memberId!);
    seen = [];
    const result = await archiveMembers(watched.db, actor, ids);
    expect(result.archived).toHaveLength(LIST_SIZE);
    expect((await findMemberRows(watched.db, orgId, ids)).map((row) => row.status)).toEqual(Array(LIST_SIZE).fill("archived"));
    const statements = listStatementWalks();
    expect(statements.length).toBeGreaterThanOrEqual(3);
    expect(statements.filter((s) => s.walks.length > 0)).toEqual([]);
  });

  it("is found by its own index when the directory names people again, and when they leave", async () => {
    seen = [];
    await createOrganization(watched.db, { name: "Lists", domain: "lists.example", extra: LIST_SIZE + 5 });
    const people = await database.db.select({ id: directoryPeople.id }).from(directoryPeople).where(eq(directoryPeople.orgId, orgId));
    await watched.db.write((tx) =>
      removeDirectoryPeople(
        tx,
        orgId,
        people.slice(0, LIST_SIZE).map((p) => p.id),
      ),
    );
    const statements = listStatementWalks();
    expect(statements.length).toBeGreaterThanOrEqual(2);
    expect(statements.filter((s) => s.walks.length > 0)).toEqual([]);
  });

  it("tells a walk of the organization from a search by the list", () => {
    const list = Array(LIST_SIZE).fill("?").join(", ");
    const walks = (sql: string) =>
      native
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .raw(true)
        .all()
        .filter((row) => ORGANIZATION_WALK.test(row[3]));
    expect(walks(`SELECT id FROM members WHERE org_id = ? AND id IN (${list})`)).toHaveLength(1);
    expect(walks(`SELECT id FROM members WHERE +org_id = ? AND id IN (${list})`)).toEqual([]);
  });
});
