// SIGTERM drains, as a process manager sends it to the cluster primary (WEB_CONCURRENCY=2) in the
// middle of Send Invite, with an upload still arriving: the upload in flight is answered, both
// server processes give back every lease they hold and exit, all within 10 s, exit code 0. A
// restart picks up at once where they stopped (the leases here last 60 s: a lease left held
// would stall it for that long) and finishes: nothing lost, nothing doubled.
import { request } from "node:http";
import { clientOf } from "../../src/db/driver.js";
import { afterAll, describe, expect, it } from "vitest";
import type { ChildServer } from "../support/child-server.js";
import { makeImportCsv } from "../support/import-files.js";
import {
  allDone,
  checkImport,
  checkInvitedAndMailedOnce,
  childPids,
  createProcessFixture,
  heldLeases,
  importState,
  logEntries,
  mailCounts,
  requestSend,
  serverEnv,
  startServer,
  untilAllListening,
  uploadImport,
  waitFor,
  type ProcessFixture,
} from "../support/processes.js";

let fx: ProcessFixture | undefined;
const servers: ChildServer[] = [];

/** A CSV upload whose body arrives in two parts: `received` settles once the server has read its
 *  headers (its 100 Continue: the request is in flight, not a connection still being handed to a
 *  worker), `finish()` sends the rest and answers the response. */
function startSlowUpload(
  url: string,
  cookie: string,
  csv: string,
): { received: Promise<void>; finish(): Promise<{ status: number; connection: string | undefined }> } {
  const boundary = "----drain-test-boundary";
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
  );
  const half = Math.floor(body.length / 2);
  let answered: (answer: { status: number; connection: string | undefined }) => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const answer = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const req = request(
    `${url}/imports`,
    {
      method: "POST",
      headers: {
        Cookie: cookie,
        Origin: url,
        "Content-Type": `multipart/form-data; boundary=${boundary}`,
        "Content-Length": String(body.length),
        Expect: "100-continue",
      },
    },
    (res) => {
      res.resume();
      res.on("end", () => answered({ status: res.statusCode!, connection: res.headers.connection }));
    },
  );
  req.on("error", (error) => failed(error));
  answer.catch(() => undefined); // awaited by finish(); a reset before then is not unhandled
  const received = new Promise<void>((resolve, reject) => {
    req.on("continue", () => {
      req.write(body.subarray(0, half));
      resolve();
    });
    req.on("error", reject);
  });
  received.catch(() => undefined);
  req.flushHeaders();
  return {
    received,
    finish: async () => {
      req.end(body.subarray(half));
      return answer;
    },
  };
}

describe("SIGTERM during Send Invite (WEB_CONCURRENCY=2)", () => {
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) process.kill(-s.child.pid!, "SIGKILL");
    await fx?.dispose();
  });

  it("answers the request in flight, releases every lease, exits 0 within 10 s; a restart resumes at once and nothing is lost or doubled", async () => {
    fx = await createProcessFixture({ people: 31_000, members: 900, domain: "drain.example", name: "Drain Corp" });
    const env = serverEnv(fx, {
      WEB_CONCURRENCY: "2",
      LOG_LEVEL: "info",
      IMPORT_LEASE_SECONDS: "60",
      MAIL_LEASE_SECONDS: "60",
      MAIL_REQUESTS_PER_SECOND: "20",
    });
    const first = await startServer(env, { keepOutput: true });
    servers.push(first);
    const pids = await untilAllListening(first, 2);
    const id = await uploadImport(
      first.url,
      fx.cookie,
      // Three transactions at least (a send's transaction takes up to 10,000 rows): the stop lands
      // after the first commit shows progress, and the one in hand still leaves rows unsent.
      makeImportCsv({ rows: 30_000, people: 30_000, domain: fx.org.domain, errorRate: 0.03, duplicateRate: 0.02 }),
      "big.csv",
    );
    await waitFor("validation", async () => (await importState(fx!.db.db, id)).status === "ready", 120_000, 50);
    const ready = (await importState(fx.db.db, id)).ready_count;
    await requestSend(first.url, fx.cookie, id);
    await waitFor("Send Invite under way", async () => (await importState(fx!.db.db, id)).sent_count >= ready * 0.15, 60_000, 5);

    const late = startSlowUpload(first.url, fx.cookie, ["email", ...fx.org.people.slice(30_000, 30_100).map((p) => p.mail)].join("\r\n"));
    await late.received;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const exited = new Promise<number | null>((resolve) => first.child.once("exit", (code) => resolve(code)));
    const signalled = performance.now();
    process.kill(first.child.pid!, "SIGTERM"); // the primary alone, as systemd's KillMode=mixed does
    await new Promise((resolve) => setTimeout(resolve, 500));
    const upload = await late.finish();
    const code = await exited;
    const drainMs = performance.now() - signalled;

    const atStop = await importState(fx.db.db, id);
    const mailAtStop = await mailCounts(fx.db.db, fx.org.orgId);
    const leases = await heldLeases(fx.db.db);
    console.log(
      `drained in ${Math.round(drainMs)} ms (exit ${code}); at the stop: import ${atStop.status}, ${atStop.sent_count}/${ready} invited, ` +
        `mail ${mailAtStop.sent}/${mailAtStop.total} sent; leases held ${JSON.stringify(leases)}; the upload in flight answered ${upload.status}`,
    );
    expect(code).toBe(0);
    expect(drainMs).toBeLessThan(10_000);
    expect(pids.filter((pid) => childPids(first.child.pid!).includes(pid))).toEqual([]);
    expect(
      logEntries(first)
        .filter((e) => e.msg === "stopping")
        .map((e) => e.pid)
        .sort(),
    ).toEqual([first.child.pid, ...pids].sort());
    expect(upload).toEqual({ status: 303, connection: "close" });
    expect(atStop.status).toBe("sending"); // stopped in the middle, not after the end
    expect(leases).toEqual({ imports: 0, mail: 0 });
    expect(mailAtStop.sent).toBeLessThan(mailAtStop.total);

    const second = await startServer(env);
    servers.push(second);
    const restarted = performance.now();
    await waitFor("Send Invite resumed", async () => (await importState(fx!.db.db, id)).sent_count > atStop.sent_count, 10_000, 20);
    const resumedMs = performance.now() - restarted;
    await waitFor("Send Invite and its mail finished", () => allDone(fx!.db.db, fx!.org.orgId, [id]), 150_000, 100);
    const lateImport = (await clientOf(fx.db.db).execute("SELECT id FROM imports WHERE file_name = 'late.csv'")).rows[0]!.id as string;
    await waitFor("the upload made during the drain validated", async () => (await importState(fx!.db.db, lateImport)).status === "ready", 60_000, 50);
    console.log(`restart resumed Send Invite after ${Math.round(resumedMs)} ms; ${fx.standIn.deliveries.length} deliveries`);
    expect([...(await checkImport(fx.db.db, id)), ...(await checkInvitedAndMailedOnce(fx.db.db, fx.org.orgId, [id], fx.standIn))]).toEqual([]);
    expect((await importState(fx.db.db, id)).sent_count).toBe(ready);
    expect((await importState(fx.db.db, lateImport)).total).toBe(100);
    await second.stop();
  }, 240_000);

  it("one process (WEB_CONCURRENCY=1) exits 0 within 10 s even when a request in flight never finishes", async () => {
    const small = await createProcessFixture({ people: 200, members: 20, domain: "stall.example", name: "Stall Corp" });
    try {
      const server = await startServer(serverEnv(small, { LOG_LEVEL: "info" }), { keepOutput: true });
      servers.push(server);
      expect(childPids(server.child.pid!)).toEqual([]); // no primary: the server itself
      await startSlowUpload(server.url, small.cookie, "email\r\nnobody@stall.example").received; // never finished
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
      const signalled = performance.now();
      process.kill(server.child.pid!, "SIGTERM");
      const code = await exited;
      const drainMs = performance.now() - signalled;
      console.log(`a stalled upload: exited ${code} after ${Math.round(drainMs)} ms`);
      expect(code).toBe(0);
      expect(drainMs).toBeGreaterThan(8_000); // it waited for the request
      expect(drainMs).toBeLessThan(10_000);
      expect(logEntries(server).map((e) => e.msg)).toContainEqual(expect.stringMatching(/^still draining after 9 s: exiting/));
      expect(await heldLeases(small.db.db)).toEqual({ imports: 0, mail: 0 });
    } finally {
      await small.dispose();
    }
  }, 60_000);
});
