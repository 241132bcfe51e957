// Issue 18 item 3: Send Invite next to its floor, in the same run. The floor writes the rows Send
// Invite writes for each person (member, invitation, outbox row with the email's parameters; one
// audit event for the send) in ONE transaction of multi-row INSERTs of 500 rows, with ids
// (UUIDv7) and token hashes made as the app makes them: the fastest way this driver stores them.
// Send Invite runs in the server (src/server.ts, workers on), re-checking every person at send
// time. Then the Users page p99 at 10 connections while a Send Invite runs, over its p99 with no
// import, on the same server.
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { runStatement } from "../../src/db/driver.js";
import type { Tx } from "../../src/db/types.js";
import { invitationMail, storedMail } from "../../src/domain/mail-templates.js";
import { invitationMailKey } from "../../src/domain/outbox.js";
import { newId, newTokens, sha256Hex } from "../../src/ids.js";
import { benchSessionCookie, createBenchDatabase, startChildServer } from "../support/child-server.js";
import { round } from "../support/load.js";
import { abandonSend, importState, loadUsersPage, upload, waitForStatus } from "./import-bench.js";
import { makeImportCsv } from "../support/import-files.js";
import { seedLargeOrganization, type LargeOrg } from "../support/seed-large.js";

const DIRECTORY = 200_000;
const PEOPLE = 20_000;
const ROWS_PER_STATEMENT = 500;
const PUBLIC_URL = "http://127.0.0.1:3000";

/** One multi-row INSERT: `columns` per row, `rows` flattened. */
async function insertRows(tx: Tx, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const tuple = `(${columns.map(() => "?").join(",")})`;
  await runStatement(tx, { sql: `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${rows.map(() => tuple).join(",")}`, args: rows.flat() as never });
}

/** The floor: people [from, from + count) of the directory invited by `adminId`, written as fast as the driver writes. Answers invitations/s. */
export async function writeFloor(db: Db, org: LargeOrg, from: number, count: number): Promise<number> {
  const admin = org.people[0]!;
  const people = org.people.slice(from, from + count);
  const started = performance.now();
  await db.write(async (tx) => {
    const now = Date.now();
    const context = { orgName: "BigCorp", inviterName: `${admin.given} ${admin.surname}`, rateMilli: null, year: new Date().getUTCFullYear() };
    // The emails' shared parameters, stored once as the app stores them (mail_contexts).
    const shared = storedMail(invitationMail(context, { recipientName: "", joinUrl: `${PUBLIC_URL}/join/` })).context;
    const [{ id: contextId }] = (await tx.all<{ id: number }>(sql`INSERT INTO mail_contexts (params) VALUES (${shared}) RETURNING id`)) as [{ id: number }];
    for (let start = 0; start < people.length; start += ROWS_PER_STATEMENT) {
      const part = people.slice(start, start + ROWS_PER_STATEMENT);
      const tokens = newTokens(part.length);
      const rows = part.map((p, i) => {
        const name = `${p.given} ${p.surname}`;
        const memberId = newId();
        const invitationId = newId();
        const mail = invitationMail(context, { recipientName: name, joinUrl: `${PUBLIC_URL}/join/${tokens[i]}` });
        return {
          member: [memberId, org.orgId, p.id, p.mail, p.mail, name, name.toLowerCase(), "invited", now, admin.id, now],
          invitation: [invitationId, org.orgId, memberId, Buffer.from(sha256Hex(tokens[i]!), "hex"), admin.id, 1, now, "queued", now],
          mail: [
            newId(),
            org.orgId,
            "invitation",
            p.mail,
            null,
            storedMail(mail).params,
            invitationMailKey(invitationId, 1).replace(`:${invitationId}:`, ":"),
            invitationId,
            contextId,
            "queued",
            now,
            now,
          ],
        };
      });
      await insertRows(
        tx,
        "members",
        ["id", "org_id", "person_id", "email", "email_norm", "name", "sort_name", "status", "invited_at", "invited_by", "updated_at"],
        rows.map((r) => r.member),
      );
      await insertRows(
        tx,
        "invitations",
        ["id", "org_id", "member_id", "token_hash", "invited_by", "sent_count", "last_sent_at", "delivery_status", "created_at"],
        rows.map((r) => r.invitation),
      );
      await insertRows(
        tx,
        "mail_outbox",
        ["id", "org_id", "kind", '"to"', "template_name", "params", "send_key", "invitation_id", "context_id", "status", "next_attempt_at", "created_at"],
        rows.map((r) => r.mail),
      );
    }
    await insertRows(
      tx,
      "audit_events",
      ["id", "org_id", "actor_id", "action", "subject", "detail"],
      [[newId(), org.orgId, admin.id, "import.send", "floor.csv", JSON.stringify({ invited: people.length })]],
    );
  });
  return people.length / ((performance.now() - started) / 1000);
}

export async function benchSend(): Promise<Record<string, number>> {
  const db = await createBenchDatabase();
  const out: Record<string, number> = {};
  try {
    const org = await seedLargeOrganization(db.db, { people: DIRECTORY, members: 10_000 });
    const cookie = await benchSessionCookie(db.db, org.adminId, org.orgId);
    // Three ranges of people nobody has invited: the floor's, the quiet send's, the send under load.
    const floorRate = await writeFloor(db.db, org, 1, PEOPLE);
    const server = await startChildServer({ DATABASE_URL: db.url, SEED_DEMO: "false" });
    const ids: string[] = [];
    try {
      const file = (offset: number) => makeImportCsv({ rows: PEOPLE, people: PEOPLE, offset, domain: org.domain });
      // Send Invite alone: from the press to every ready row sent.
      const quiet = await upload(server, cookie, file(40_000), "send-bench.csv");
      ids.push(quiet);
      const ready = await waitForStatus(db, quiet, "ready", 120_000);
      const sendStarted = performance.now();
      const send = await fetch(`${server.url}/imports/${quiet}/send`, { method: "POST", headers: { cookie, Origin: server.url }, redirect: "manual" });
      if (send.status !== 303) throw new Error(`send answered ${send.status}`);
      await waitForStatus(db, quiet, "sent", 120_000);
      const sendRate = (await importState(db, quiet)).sent / ((performance.now() - sendStarted) / 1000);
      out["floor: invitations per second (multi-row INSERTs of 500, one transaction)"] = Math.round(floorRate);
      out["Send Invite: invitations per second"] = Math.round(sendRate);
      out["Send Invite: people invited"] = ready.ready;
      out["Send Invite rate / floor (target >= 0.7)"] = round(sendRate / floorRate, 2);

      // The Users page: p99 with no import, then while a Send Invite runs (its file checked beforehand).
      const loaded = await upload(server, cookie, file(70_000), "send-bench-load.csv");
      ids.push(loaded);
      await waitForStatus(db, loaded, "ready", 120_000);
      const load = loadUsersPage(server.url, cookie);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const quietFrom = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const alone = load.p99(quietFrom, performance.now());
        const sendFrom = performance.now();
        const again = await fetch(`${server.url}/imports/${loaded}/send`, { method: "POST", headers: { cookie, Origin: server.url }, redirect: "manual" });
        if (again.status !== 303) throw new Error(`send answered ${again.status}`);
        await waitForStatus(db, loaded, "sent", 120_000);
        const sending = load.p99(sendFrom, performance.now());
        out["users p99 @10, no import (ms)"] = round(alone.p99, 1);
        out["users p99 @10 while Send Invite runs (ms)"] = round(sending.p99, 1);
        out["users requests while sending"] = sending.requests;
        out["users p99 while sending / no import (target <= 2)"] = round(sending.p99 / alone.p99, 2);
        out["users non-200 responses"] = load.failures;
      } finally {
        await load.stop();
      }
    } finally {
      await server.stop();
      for (const id of ids) await abandonSend(db, id);
    }
  } finally {
    db.dispose();
  }
  return out;
}
