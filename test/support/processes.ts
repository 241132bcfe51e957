// Tools for tests that run the admin center as real server processes on one database file:
// a seeded organization with a Resend stand-in, servers started and killed with SIGKILL, uploads
// and Send Invite over HTTP, light traffic against every process, a proxy in front of the
// stand-in that can kill the server after the provider accepted a batch but before the server
// heard the answer, and the checks that nothing was validated, invited or sent twice (each
// answers a list of problems, empty when all is well, so a failure says what went wrong).
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "../../src/db/client.js";
import { benchSessionCookie, createBenchDatabase, startChildServer, type BenchDatabase, type ChildServer } from "./child-server.js";
import { seedLargeOrganization, type LargeOrg } from "./seed-large.js";
import { startResendStandIn, type ResendStandIn } from "./resend-stand-in.js";
import { readSql } from "./db.js";

export type ProcessFixture = { db: BenchDatabase; org: LargeOrg; cookie: string; standIn: ResendStandIn; dispose(): Promise<void> };

export async function createProcessFixture(input: {
  people: number;
  members: number;
  domain: string;
  name: string;
  standIn?: Parameters<typeof startResendStandIn>[0];
}): Promise<ProcessFixture> {
  const db = await createBenchDatabase();
  const org = await seedLargeOrganization(db.db, input);
  const cookie = await benchSessionCookie(db.db, org.adminId, org.orgId);
  const standIn = await startResendStandIn(input.standIn);
  return {
    db,
    org,
    cookie,
    standIn,
    dispose: async () => {
      await standIn.close();
      db.dispose();
    },
  };
}

/** Environment of a server process on the fixture's database, mailing through `mailUrl` (the stand-in or a proxy). */
export function serverEnv(fixture: ProcessFixture, extra: Record<string, string> = {}, mailUrl = fixture.standIn.url): Record<string, string> {
  return {
    DATABASE_URL: fixture.db.url,
    SEED_DEMO: "false",
    LOG_LEVEL: "error",
    WORKERS: "true",
    RESEND_API_KEY: fixture.standIn.apiKey,
    RESEND_BASE_URL: mailUrl,
    MAIL_REQUESTS_PER_SECOND: "20",
    DIRECTORY_SEARCH_PER_SECOND: "100000",
    ...extra,
  };
}

/** A server as `npm start` runs it; `keepOutput` keeps its JSON log lines (set LOG_LEVEL=info to see requests). */
export const startServer = (env: Record<string, string>, options: { keepOutput?: boolean } = {}): Promise<ChildServer> =>
  startChildServer(env, "src/server.ts", options);

/** A cluster primary's server processes: its children running the server (not esbuild's service, left by a fresh build). */
export function childPids(pid: number): number[] {
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return "";
    }
  };
  return read(`/proc/${pid}/task/${pid}/children`)
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((child) => /server/.test(read(`/proc/${child}/cmdline`)));
}

/** The JSON log lines a server printed (startServer with keepOutput), parsed. */
export function logEntries(server: ChildServer): Record<string, unknown>[] {
  return server.outputLines().flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** How many requests each process answered, from the request log lines (LOG_LEVEL=info). */
export function requestsPerProcess(server: ChildServer): Map<number, number> {
  const counts = new Map<number, number>();
  for (const entry of logEntries(server)) if (entry.msg === "request") counts.set(Number(entry.pid), (counts.get(Number(entry.pid)) ?? 0) + 1);
  return counts;
}

/** A cluster (WEB_CONCURRENCY=n) whose n server processes all listen: answers their process ids. */
export async function untilAllListening(server: ChildServer, n: number): Promise<number[]> {
  const listening = () => logEntries(server).filter((e) => String(e.msg).startsWith("admin center listening")).length;
  await waitFor(`${n} server processes listening`, async () => listening() >= n && childPids(server.child.pid!).length === n, 60_000, 50).catch(
    (error: Error) => {
      throw new Error(
        `${error.message}: ${listening()} listening, children ${childPids(server.child.pid!).join(", ")}; log:\n${server.outputLines().slice(-20).join("\n")}`,
      );
    },
  );
  return childPids(server.child.pid!);
}

/** Rows whose lease is held: imports and outbox emails a worker claimed and has not given back. */
export async function heldLeases(db: Db): Promise<{ imports: number; mail: number }> {
  const [i] = await rows<{ n: number }>(db, "SELECT count(*) AS n FROM imports WHERE locked_by IS NOT NULL");
  const [m] = await rows<{ n: number }>(db, "SELECT count(*) AS n FROM mail_outbox WHERE locked_by IS NOT NULL");
  return { imports: Number(i!.n), mail: Number(m!.n) };
}

/** kill -9, and wait until the process is gone. */
export async function killHard(server: ChildServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const gone = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGKILL");
  await gone;
}

export async function waitFor(what: string, test: () => Promise<boolean>, timeoutMs = 120_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function uploadImport(url: string, cookie: string, csv: string, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new File([csv], name, { type: "text/csv" }));
  const response = await fetch(`${url}/imports`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: url }, redirect: "manual" });
  if (response.status !== 303) throw new Error(`upload answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response.headers.get("Location")!.split("/").pop()!;
}

export async function requestSend(url: string, cookie: string, importId: string): Promise<void> {
  const response = await fetch(`${url}/imports/${importId}/send`, { method: "POST", headers: { Cookie: cookie, Origin: url }, redirect: "manual" });
  if (response.status !== 303) throw new Error(`Send Invite answered ${response.status}`);
}

async function rows<T>(db: Db, sql: string, args: (string | number)[] = []): Promise<T[]> {
  return readSql<T>(db, sql, args);
}

export type ImportState = {
  status: string;
  total: number;
  processed: number;
  ready_count: number;
  skipped_count: number;
  error_count: number;
  sent_count: number;
  locked_by: string | null;
};
export async function importState(db: Db, id: string): Promise<ImportState> {
  const [row] = await rows<ImportState>(
    db,
    "SELECT status, total, processed, ready_count, skipped_count, error_count, sent_count, locked_by FROM imports WHERE id = ?",
    [id],
  );
  return row!;
}

export async function mailCounts(db: Db, orgId: string): Promise<{ total: number; sent: number }> {
  const [row] = await rows<{ total: number; sent: number }>(
    db,
    "SELECT count(*) AS total, coalesce(sum(status = 'sent'), 0) AS sent FROM mail_outbox WHERE org_id = ?",
    [orgId],
  );
  return { total: Number(row!.total), sent: Number(row!.sent) };
}

/** Every import sent and every email of the organization sent. */
export async function allDone(db: Db, orgId: string, importIds: string[]): Promise<boolean> {
  for (const id of importIds) if ((await importState(db, id)).status !== "sent") return false;
  const mail = await mailCounts(db, orgId);
  return mail.total > 0 && mail.sent === mail.total;
}

/** An import whose Send Invite finished: every row once, with one outcome, counts matching rows, lease given back. */
export async function checkImport(db: Db, id: string): Promise<string[]> {
  const problems: string[] = [];
  const job = await importState(db, id);
  const [r] = await rows<Record<string, number>>(
    db,
    `
    SELECT count(*) AS n, count(DISTINCT row_number) AS distinct_rows, coalesce(sum(outcome = 'ready'), 0) AS ready,
           coalesce(sum(outcome = 'skipped'), 0) AS skipped, coalesce(sum(outcome = 'error'), 0) AS error,
           coalesce(sum(outcome IS NULL), 0) AS pending, coalesce(sum(outcome = 'ready' AND sent_at IS NULL), 0) AS ready_unsent,
           coalesce(sum(outcome = 'ready' AND code <> 'ready'), 0) AS ready_odd
    FROM import_rows WHERE import_id = ?`,
    [id],
  );
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (Number(actual) !== Number(wanted)) problems.push(`import ${id.slice(-6)}: ${what} is ${actual}, expected ${wanted}`);
  };
  expect("status sent", job.status === "sent" ? 1 : 0, 1);
  expect("rows", r!.n, job.total);
  expect("distinct row numbers", r!.distinct_rows, job.total);
  expect("processed", job.processed, job.total);
  expect("rows without an outcome", r!.pending, 0);
  // ready_count: rows still to invite (none once sent); sent_count: the ready rows invited.
  expect("ready_count", job.ready_count, r!.ready_unsent);
  expect("skipped_count", job.skipped_count, r!.skipped);
  expect("error_count", job.error_count, r!.error);
  expect("sent_count (invited) vs ready rows", job.sent_count, r!.ready);
  expect("ready rows not marked sent", r!.ready_unsent, 0);
  expect("ready rows with another code", r!.ready_odd, 0);
  if (job.locked_by !== null) problems.push(`import ${id.slice(-6)}: still leased by ${job.locked_by}`);
  return problems;
}

/**
 * Across the organization: one member per address, one open invitation per invited member, the
 * ready rows of the imports are exactly the people invited (each once), one email per invitation,
 * all sent, each delivered by the stand-in exactly once and recorded with the id it answered.
 */
export async function checkInvitedAndMailedOnce(db: Db, orgId: string, importIds: string[], standIn: ResendStandIn): Promise<string[]> {
  const problems: string[] = [];
  const dupMembers = await rows<{ email_norm: string; n: number }>(
    db,
    "SELECT email_norm, count(*) AS n FROM members WHERE org_id = ? GROUP BY email_norm HAVING count(*) > 1",
    [orgId],
  );
  if (dupMembers.length) problems.push(`${dupMembers.length} addresses with more than one member, e.g. ${dupMembers[0]!.email_norm}`);
  const dupOpen = await rows<{ member_id: string; n: number }>(
    db,
    `SELECT member_id, count(*) AS n FROM invitations WHERE org_id = ?
    AND revoked_at IS NULL AND accepted_at IS NULL GROUP BY member_id HAVING count(*) > 1`,
    [orgId],
  );
  if (dupOpen.length) problems.push(`${dupOpen.length} members with more than one open invitation`);
  const invited = await rows<{ email: string }>(
    db,
    `SELECT m.email_norm AS email FROM invitations i JOIN members m ON m.id = i.member_id
    WHERE i.org_id = ? AND m.status = 'invited'`,
    [orgId],
  );
  const placeholders = importIds.map(() => "?").join(",");
  const readyRows = await rows<{ email: string }>(
    db,
    `SELECT d.mail_norm AS email FROM import_rows r JOIN directory_people d ON d.id = r.person_id
    WHERE r.import_id IN (${placeholders}) AND r.outcome = 'ready'`,
    importIds,
  );
  const invitedSet = new Set(invited.map((r) => r.email));
  const readySet = new Set(readyRows.map((r) => r.email));
  if (invitedSet.size !== invited.length) problems.push(`${invited.length - invitedSet.size} people invited more than once`);
  if (readySet.size !== readyRows.length) problems.push(`${readyRows.length - readySet.size} people ready (invited) in two rows`);
  const notInvited = [...readySet].filter((e) => !invitedSet.has(e));
  const notReady = [...invitedSet].filter((e) => !readySet.has(e));
  if (notInvited.length) problems.push(`${notInvited.length} ready rows whose person has no invitation, e.g. ${notInvited[0]}`);
  if (notReady.length) problems.push(`${notReady.length} invitations with no ready row, e.g. ${notReady[0]}`);
  // Every invitation logged once: by its own event, or counted in the one event of the import's send.
  const [audits] = await rows<{ n: number }>(
    db,
    `SELECT coalesce(sum(CASE WHEN action IN ('member.invite', 'member.reinvite') THEN 1
    ELSE detail ->> 'invited' END), 0) AS n FROM audit_events WHERE org_id = ? AND action IN ('member.invite', 'member.reinvite', 'import.send', 'import.use_suggestions')`,
    [orgId],
  );
  if (Number(audits!.n) !== invited.length) problems.push(`${audits!.n} invitations logged for ${invited.length} invitations`);

  const mails = await rows<{ invitation_id: string | null; to: string; status: string; provider_id: string | null }>(
    db,
    `SELECT invitation_id, "to", status, provider_id FROM mail_outbox WHERE org_id = ?`,
    [orgId],
  );
  const perInvitation = new Map<string, number>();
  for (const m of mails) if (m.invitation_id) perInvitation.set(m.invitation_id, (perInvitation.get(m.invitation_id) ?? 0) + 1);
  const [inv] = await rows<{ n: number }>(db, "SELECT count(*) AS n FROM invitations WHERE org_id = ?", [orgId]);
  if (perInvitation.size !== Number(inv!.n)) problems.push(`${Number(inv!.n) - perInvitation.size} invitations without an email`);
  const twice = [...perInvitation.values()].filter((n) => n > 1).length;
  if (twice) problems.push(`${twice} invitations with more than one email`);
  const unsent = mails.filter((m) => m.status !== "sent");
  if (unsent.length) problems.push(`${unsent.length} emails not sent (e.g. ${unsent[0]!.status})`);

  const delivered = new Map<string, number>();
  for (const d of standIn.deliveries) delivered.set(d.to.toLowerCase(), (delivered.get(d.to.toLowerCase()) ?? 0) + 1);
  const deliveredTwice = [...delivered.entries()].filter(([, n]) => n > 1);
  if (deliveredTwice.length)
    problems.push(`${deliveredTwice.length} addresses delivered more than once, e.g. ${deliveredTwice[0]![0]} ×${deliveredTwice[0]![1]}`);
  const notDelivered = mails.filter((m) => !delivered.has(m.to.toLowerCase()));
  if (notDelivered.length) problems.push(`${notDelivered.length} outbox emails never delivered, e.g. ${notDelivered[0]!.to}`);
  if (standIn.deliveries.length !== mails.length) problems.push(`${standIn.deliveries.length} deliveries for ${mails.length} outbox emails`);
  const keys = standIn.requests.filter((q) => q.status === 200 && !q.replayed).map((q) => q.idempotencyKey);
  if (new Set(keys).size !== keys.length) problems.push(`${keys.length - new Set(keys).size} idempotency keys delivered twice`);
  const deliveryIds = new Set(standIn.deliveries.map((d) => d.id));
  const wrongId = mails.filter((m) => !m.provider_id || !deliveryIds.has(m.provider_id));
  if (wrongId.length) problems.push(`${wrongId.length} sent emails recorded with a provider id the stand-in never gave`);
  return problems;
}

export type Traffic = { stop(): Promise<{ requests: number; failures: string[] }> };

/** A few GET loops against every server (Users page, type-ahead, status polls) until stopped; failures are non-2xx or network errors. */
export function startTraffic(urls: string[], cookie: string, paths: () => string[], loopsPerServer = 2): Traffic {
  let stopped = false;
  let requests = 0;
  const failures: string[] = [];
  const loop = async (url: string, offset: number) => {
    for (let i = offset; !stopped; i++) {
      const list = paths();
      const path = list[i % list.length]!;
      try {
        const response = await fetch(url + path, { headers: { Cookie: cookie, "HX-Request": "true" }, signal: AbortSignal.timeout(30_000) });
        await response.arrayBuffer();
        requests++;
        if (response.status < 200 || response.status >= 300) failures.push(`${response.status} ${path}`);
      } catch (error) {
        if (!stopped) failures.push(`${(error as Error).message} ${path}`);
      }
    }
  };
  const running = urls.flatMap((url) => Array.from({ length: loopsPerServer }, (_, k) => loop(url, k)));
  return {
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { requests, failures };
    },
  };
}

/**
 * An HTTP proxy in front of the stand-in. `killAfterAccepted(n, kill)`: the n-th batch request
 * (1-based, counted from the call) is forwarded, the provider accepts and delivers it, and then
 * `kill` runs before the answer reaches the server: the worst moment for a mail worker to die.
 */
export async function startMailProxy(
  target: string,
): Promise<{ url: string; forwarded(): number; killAfterAccepted(n: number, kill: () => Promise<void>): Promise<void>; close(): Promise<void> }> {
  let count = 0;
  let trap: { at: number; kill: () => Promise<void>; fired: () => void } | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !["host", "connection", "content-length"].includes(k)) headers[k] = v;
    const upstream = await fetch(target + (req.url ?? ""), { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    const body = Buffer.from(await upstream.arrayBuffer());
    count++;
    if (trap && count >= trap.at) {
      const { kill, fired } = trap;
      trap = null;
      await kill();
      res.destroy();
      fired();
      return;
    }
    res.writeHead(
      upstream.status,
      Object.fromEntries([...upstream.headers.entries()].filter(([k]) => !["content-length", "transfer-encoding", "connection"].includes(k))),
    );
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => count,
    killAfterAccepted: (n, kill) =>
      new Promise<void>((fired) => {
        trap = { at: count + n, kill, fired };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
