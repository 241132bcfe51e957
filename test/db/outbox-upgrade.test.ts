// Emails queued before the outbox stored template and parameters (drizzle/0018) stay sendable: the
// upgrade keeps each one's rendered email as the `stored` template's parameters, and the worker
// sends it exactly as it was rendered, under the same idempotency key.
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/db/migrate.js";
import { claimMailBatch } from "../../src/domain/outbox-delivery.js";
import { getOutboxMessage } from "../../src/domain/outbox.js";
import { readSql, writeSql } from "../support/db.js";
import { openDatabaseBefore, type OldDatabase } from "../support/migrations.js";

const BEFORE = "0017_members_sort_search";
let database: OldDatabase | undefined;
afterEach(() => database?.dispose());

describe("upgrading an outbox with emails queued rendered", () => {
  it("sends them as they were rendered, with their keys, after the upgrade", async () => {
    database = await openDatabaseBefore(BEFORE);
    const org = "0190a0f0-0000-7000-8000-000000000001";
    const member = "0190a0f0-0000-7000-8000-000000000002";
    const invitation = "0190a0f0-0000-7000-8000-000000000003";
    const mail = "0190a0f0-0000-7000-8000-000000000004";
    await writeSql(database.db, "INSERT INTO organizations (id, name) VALUES (?, 'Old Org')", [org]);
    await writeSql(database.db, "INSERT INTO members (id, org_id, email, email_norm, status) VALUES (?, ?, 'ana@old.example', 'ana@old.example', 'invited')", [
      member,
      org,
    ]);
    await writeSql(database.db, "INSERT INTO invitations (id, org_id, member_id, token_hash) VALUES (?, ?, ?, 'hash')", [invitation, org, member]);
    await writeSql(
      database.db,
      `INSERT INTO mail_outbox (id, org_id, kind, "to", subject, html, text, idempotency_key, invitation_id)
      VALUES (?, ?, 'invitation', 'ana@old.example', 'Old subject', '<p>Old &amp; rendered</p>', 'Old text: http://x.example/join/abc', ?, ?)`,
      [mail, org, `invitation:${invitation}:1`, invitation],
    );

    await migrateDatabase(database.db);

    const [row] = await readSql<{ template: string; idempotency_key: string }>(database.db, "SELECT template, idempotency_key FROM mail_outbox WHERE id = ?", [
      mail,
    ]);
    expect(row).toMatchObject({ template: "stored", idempotency_key: `invitation:${invitation}:1` });
    const batch = await claimMailBatch(database.db, "upgrade-test", { leaseMs: 60_000 });
    expect(batch!.messages).toEqual([
      {
        id: mail,
        to: "ana@old.example",
        subject: "Old subject",
        html: "<p>Old &amp; rendered</p>",
        text: "Old text: http://x.example/join/abc",
        idempotencyKey: `invitation:${invitation}:1`,
        attempts: 1,
      },
    ]);
    expect(await getOutboxMessage(database.db, org, mail)).toMatchObject({ subject: "Old subject", text: "Old text: http://x.example/join/abc" });
  });
});
