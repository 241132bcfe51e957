// The lean record per invited person (drizzle/0020-0022) keeps what was stored before it: an
// invitation whose token hash was hex text still opens with its link, and an invitation email
// queued with all its parameters on its row (and its import named there) still sends the same
// email under the same key, counted in its import's mail progress as it moves.
import { afterEach, describe, expect, it } from "vitest";
import { migrateDatabase } from "../../src/db/migrate.js";
import { countImportMail } from "../../src/domain/import-mail.js";
import { findInvitationByToken } from "../../src/domain/join.js";
import { renderMail } from "../../src/domain/mail-templates.js";
import { claimMailBatch, recordBatchSent } from "../../src/domain/outbox-delivery.js";
import { getOutboxMessage } from "../../src/domain/outbox.js";
import { newToken, sha256Hex } from "../../src/ids.js";
import { readSql, writeSql } from "../support/db.js";
import { openDatabaseBefore, type OldDatabase } from "../support/migrations.js";

const BEFORE = "0019_import_rows_without_rowid";
let database: OldDatabase | undefined;
afterEach(() => database?.dispose());

describe("upgrading to the lean record per invited person", () => {
  it("opens an invitation hashed as hex, and sends an email queued with all its parameters as it was, counted in its import", async () => {
    database = await openDatabaseBefore(BEFORE);
    const org = "0190a0f0-0000-7000-8000-000000000001";
    const member = "0190a0f0-0000-7000-8000-000000000002";
    const invitation = "0190a0f0-0000-7000-8000-000000000003";
    const mail = "0190a0f0-0000-7000-8000-000000000004";
    const importId = "0190a0f0-0000-7000-8000-000000000005";
    const token = newToken();
    const joinUrl = `https://old.example/join/${token}`;
    await writeSql(database.db, "INSERT INTO organizations (id, name) VALUES (?, 'Old Org')", [org]);
    await writeSql(
      database.db,
      "INSERT INTO members (id, org_id, email, email_norm, name, status) VALUES (?, ?, 'ana@old.example', 'ana@old.example', 'Ana', 'invited')",
      [member, org],
    );
    await writeSql(database.db, "INSERT INTO invitations (id, org_id, member_id, token_hash) VALUES (?, ?, ?, ?)", [invitation, org, member, sha256Hex(token)]);
    await writeSql(database.db, "INSERT INTO imports (id, org_id, file_name, size, status) VALUES (?, ?, 'old.csv', 10, 'sent')", [importId, org]);
    // As 0018 stored an invitation email: every parameter on the row, in order, and the import on it.
    await writeSql(
      database.db,
      `INSERT INTO mail_outbox (id, org_id, kind, "to", template, params, send_key, invitation_id, import_id)
      VALUES (?, ?, 'invitation', 'ana@old.example', 'invitation', ?, 'invitation:1', ?, ?)`,
      [mail, org, JSON.stringify(["Old Org", "Olga Admin", 725, 2026, "Ana", joinUrl]), invitation, importId],
    );
    const email = renderMail({
      template: "invitation",
      params: { orgName: "Old Org", inviterName: "Olga Admin", rateMilli: 725, year: 2026, recipientName: "Ana", joinUrl },
    });
    const queuedBefore = await countImportMail(database.db, org, importId);
    expect(queuedBefore).toMatchObject({ total: 1, queued: 1, sent: 0 });

    await migrateDatabase(database.db);

    const [hash] = await readSql<{ kind: string; bytes: number }>(
      database.db,
      "SELECT typeof(token_hash) AS kind, length(token_hash) AS bytes FROM invitations",
    );
    expect(hash).toMatchObject({ kind: "blob", bytes: 32 });
    expect(await findInvitationByToken(database.db, token)).toMatchObject({ status: "open", invitation: { id: invitation } });
    expect(await countImportMail(database.db, org, importId)).toEqual(queuedBefore);
    const batch = await claimMailBatch(database.db, "upgrade-test", { leaseMs: 60_000 });
    expect(batch!.messages).toEqual([{ id: mail, to: "ana@old.example", ...email, idempotencyKey: `invitation:${invitation}:1`, attempts: 1 }]);
    expect(await getOutboxMessage(database.db, org, mail)).toMatchObject(email);
    await recordBatchSent(database.db, "upgrade-test", batch!, ["provider-1"]);
    expect(await countImportMail(database.db, org, importId)).toMatchObject({ total: 1, queued: 0, sent: 1 });
  });
});
