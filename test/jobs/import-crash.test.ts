// A server killed with SIGKILL in the middle of an import: the next one resumes the job from its
// cursor once the lease expires, and it ends exactly as an uninterrupted run does: same verdict
// for every row, counts that match the rows, no row twice, and (killed while sending) nobody
// invited twice. The kill points come from a seed a failure prints (CRASH_SEED replays them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { readStatement } from "../../src/db/driver.js";
import { benchSessionCookie, createBenchDatabase, startChildServer, type BenchDatabase, type ChildServer } from "../support/child-server.js";
import { crashPoints } from "../support/crash-points.js";
import { makeImportCsv } from "../support/import-files.js";
import { importState } from "../support/processes.js";
import { seedLargeOrganization, type LargeOrg } from "../support/seed-large.js";
import { readSql } from "../support/db.js";

const ROWS = 20_000;
const env = (db: BenchDatabase) => ({ DATABASE_URL: db.url, SEED_DEMO: "false", IMPORT_LEASE_SECONDS: "2", LOG_LEVEL: "error" });

let db: BenchDatabase;
let org: LargeOrg;
let cookie: string;
let server: ChildServer | undefined;

async function one<T = Record<string, unknown>>(db: Db, sql: string, args: (string | number)[] = []): Promise<T> {
  const { columns, rows } = await readStatement(db, { sql, args });
  return Object.fromEntries(columns.map((name) => [name, rows[0]![name]])) as T; // the named values only
}

async function waitFor(what: string, test: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function upload(url: string, csv: string, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new File([csv], name, { type: "text/csv" }));
  const response = await fetch(`${url}/imports`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: url }, redirect: "manual" });
  expect(response.status).toBe(303);
  return response.headers.get("Location")!.split("/").pop()!;
}

const importRow = (id: string) => importState(db.db, id);

async function verdicts(id: string) {
  return (await readSql(db.db, "SELECT row_number, outcome, code, suggestion FROM import_rows WHERE import_id = ? ORDER BY row_number", [id])).map(
    (r) => `${r[0]} ${r[1]} ${r[2]} ${r[3] ?? ""}`,
  );
}

/** The counts on the import match its rows (ready: still to invite; sent: invited), and every row is there once. */
async function expectConsistent(id: string) {
  const job = await importRow(id);
  const rows = await one<{ n: number; distinct_rows: number; ready: number; invited: number; skipped: number; error: number; pending: number }>(
    db.db,
    `
    SELECT count(*) AS n, count(DISTINCT row_number) AS distinct_rows, sum(outcome = 'ready' AND sent_at IS NULL) AS ready,
           sum(outcome = 'ready' AND sent_at IS NOT NULL) AS invited, sum(outcome = 'skipped') AS skipped,
           sum(outcome = 'error') AS error, sum(outcome IS NULL) AS pending FROM import_rows WHERE import_id = ?`,
    [id],
  );
  expect(rows.n).toBe(job.total);
  expect(rows.distinct_rows).toBe(job.total);
  expect(rows.pending).toBe(0);
  expect(job).toMatchObject({
    processed: job.total,
    ready_count: rows.ready,
    sent_count: rows.invited,
    skipped_count: rows.skipped,
    error_count: rows.error,
    locked_by: null,
  });
}

describe("an import whose server is killed", () => {
  beforeAll(async () => {
    db = await createBenchDatabase();
    org = await seedLargeOrganization(db.db, { people: 30_000, members: 3_000, domain: "crash.example", name: "Crash Corp" });
    cookie = await benchSessionCookie(db.db, org.adminId, org.orgId);
  }, 120_000);
  afterAll(async () => {
    if (server) server.child.kill("SIGKILL");
    db?.dispose();
  });

  it("resumes validation and sending after kill -9 and ends as an uninterrupted run", async () => {
    const { between } = crashPoints();
    // Rows 1..ROWS name people at the start of the directory, some twice, some members, with errors and typos.
    const csv =
      makeImportCsv({ rows: ROWS, people: 28_000, domain: org.domain, errorRate: 0.05, typoRate: 0.01, duplicateRate: 0.02 }) +
      Array.from({ length: 1000 }, (_, i) => `${org.people[29_000 - i]!.mail}\r\n`).join("");

    server = await startChildServer(env(db));
    const crashed = await upload(server.url, csv, "crash.csv");
    const killAt = Math.floor(ROWS * between(0.1, 0.8));
    await waitFor("validation to be under way", async () => (await importRow(crashed)).processed >= killAt);
    server.child.kill("SIGKILL");
    await new Promise((resolve) => server!.child.once("exit", resolve));
    const atKill = await importRow(crashed);
    expect(atKill.status).toBe("validating");
    expect(atKill.processed).toBeLessThan(atKill.total);

    server = await startChildServer(env(db));
    await waitFor("the resumed validation", async () => (await importRow(crashed)).status === "ready");
    await expectConsistent(crashed);

    // The same file again, with nothing killed: the same verdict for every row.
    const straight = await upload(server.url, csv, "straight.csv");
    await waitFor("the uninterrupted validation", async () => (await importRow(straight)).status === "ready");
    expect(await verdicts(crashed)).toEqual(await verdicts(straight));
    const a = await importRow(crashed);
    const b = await importRow(straight);
    expect([a.ready_count, a.skipped_count, a.error_count]).toEqual([b.ready_count, b.skipped_count, b.error_count]);
    expect(a.skipped_count).toBeGreaterThan(1000); // duplicates and members were found across the restart
    expect(a.error_count).toBeGreaterThan(1000);

    // Send Invite, killed half-way: nobody is invited twice, everyone ready is invited once.
    const send = await fetch(`${server.url}/imports/${crashed}/send`, { method: "POST", headers: { Cookie: cookie, Origin: server.url }, redirect: "manual" });
    expect(send.status).toBe(303);
    const sendKillAt = Math.floor(a.ready_count * between(0.1, 0.7));
    await waitFor("sending to be under way", async () => (await importRow(crashed)).sent_count >= sendKillAt);
    server.child.kill("SIGKILL");
    await new Promise((resolve) => server!.child.once("exit", resolve));
    server = await startChildServer(env(db));
    await waitFor("the resumed send", async () => (await importRow(crashed)).status === "sent");
    await expectConsistent(crashed);
    const sent = await importRow(crashed);
    expect(sent.sent_count).toBe(a.ready_count);
    const invited = await one<{ members: number; invitations: number; mails: number; distinct_people: number }>(
      db.db,
      `
      SELECT (SELECT count(*) FROM members WHERE org_id = ?1 AND status = 'invited' AND invited_at IS NOT NULL AND invited_by = ?2) AS members,
             (SELECT count(*) FROM invitations WHERE org_id = ?1 AND invited_by = ?2) AS invitations,
             (SELECT count(*) FROM mail_outbox WHERE org_id = ?1) AS mails,
             (SELECT count(DISTINCT person_id) FROM members WHERE org_id = ?1 AND invited_by = ?2) AS distinct_people`,
      [org.orgId, org.adminId],
    );
    expect(invited).toEqual({ members: sent.sent_count, invitations: sent.sent_count, mails: sent.sent_count, distinct_people: sent.sent_count });
    await server.stop();
    server = undefined;
  }, 600_000);
});
