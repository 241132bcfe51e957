// WEB_CONCURRENCY=2 as an operator runs it: one `npm start` command, one port, two server
// processes on one database file, each running every worker. Two imports validate, Send Invite
// runs for both and the mail goes out while pages are requested on the one port: every row
// validated once, every person invited once, every email delivered once; both processes answer
// requests; and the two together keep to MAIL_REQUESTS_PER_SECOND (the provider's limit is the
// account's, so each process paces half of it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildServer } from "../support/child-server.js";
import { makeImportCsv } from "../support/import-files.js";
import {
  allDone,
  checkImport,
  checkInvitedAndMailedOnce,
  createProcessFixture,
  importState,
  requestSend,
  requestsPerProcess,
  serverEnv,
  startServer,
  startTraffic,
  untilAllListening,
  uploadImport,
  waitFor,
  type ProcessFixture,
} from "../support/processes.js";

const ROWS = 3_000;
const MAIL_RATE = 4;
let fx: ProcessFixture;
let server: ChildServer | undefined;

describe("WEB_CONCURRENCY=2: two server processes on one port", () => {
  beforeAll(async () => {
    // The stand-in answers 429 past MAIL_RATE requests in any second, as Resend does per account.
    fx = await createProcessFixture({
      people: 9_000,
      members: 900,
      domain: "cluster.example",
      name: "Cluster Corp",
      // One request of slack over MAIL_RATE: the stand-in counts arrivals, and on a loaded machine one
      // request can arrive late and land in the next request's second. Without the share each
      // process paces the whole rate (twice MAIL_RATE together), which this limit still refuses.
      standIn: { requestsPerSecond: MAIL_RATE + 1 },
    });
  }, 120_000);
  afterAll(async () => {
    if (server) process.kill(-server.child.pid!, "SIGKILL");
    await fx?.dispose();
  });

  it("validates every row once, invites every person once, sends every email once, and both processes serve", async () => {
    server = await startServer(serverEnv(fx, { WEB_CONCURRENCY: "2", LOG_LEVEL: "info", MAIL_REQUESTS_PER_SECOND: String(MAIL_RATE) }), { keepOutput: true });
    const pids = await untilAllListening(server, 2);
    const spec = { rows: ROWS, people: ROWS, domain: fx.org.domain, errorRate: 0.03, typoRate: 0.01, duplicateRate: 0.02 };
    // B names 600 of A's people too, and ends with 200 existing members.
    const csvB =
      makeImportCsv({ ...spec, offset: 2_400 }) +
      fx.org.people
        .slice(8_500, 8_700)
        .map((p) => `${p.mail}\r\n`)
        .join("");
    const [a, b] = await Promise.all([
      uploadImport(server.url, fx.cookie, makeImportCsv({ ...spec, offset: 0 }), "a.csv"),
      uploadImport(server.url, fx.cookie, csvB, "b.csv"),
    ]);
    const traffic = startTraffic(
      [server.url],
      fx.cookie,
      () => ["/users", "/directory/search?q=ava", `/imports/${a}/status`, "/users?status=invited", `/imports/${b}/status`],
      4,
    );
    const started = performance.now();
    await Promise.all(
      [a, b].map(async (id) => {
        await waitFor(`import ${id} validated`, async () => (await importState(fx.db.db, id)).status === "ready", 120_000, 50);
        await requestSend(server!.url, fx.cookie, id);
      }),
    );
    await waitFor("both imports sent and every email delivered", () => allDone(fx.db.db, fx.org.orgId, [a, b]), 150_000, 100);
    const { requests, failures } = await traffic.stop();
    const served = requestsPerProcess(server);
    const [ja, jb] = [await importState(fx.db.db, a), await importState(fx.db.db, b)];
    console.log(
      `WEB_CONCURRENCY=2: ${((performance.now() - started) / 1000).toFixed(1)} s from the first Send Invite, ${requests} GETs (${failures.length} failed), ` +
        `requests per process ${JSON.stringify(Object.fromEntries(served))}, ${fx.standIn.deliveries.length} deliveries in ${fx.standIn.requests.length} provider requests, ` +
        `${fx.standIn.rateLimited()} answered 429`,
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...(await checkImport(fx.db.db, a)), ...(await checkImport(fx.db.db, b))]).toEqual([]);
    expect(await checkInvitedAndMailedOnce(fx.db.db, fx.org.orgId, [a, b], fx.standIn)).toEqual([]);
    expect(ja.sent_count + jb.sent_count).toBe(fx.standIn.deliveries.length);
    expect(ja.skipped_count + jb.skipped_count).toBeGreaterThan(700); // the overlap and the members
    // Both processes took a fair part of the requests on the one port.
    expect([...served.keys()].sort()).toEqual([...pids].sort());
    for (const pid of pids) expect(served.get(pid)!, `process ${pid}`).toBeGreaterThan(requests / 10);
    // Together they kept to the account's rate: no batch was refused for it.
    expect(fx.standIn.rateLimited()).toBe(0);
  }, 240_000);
});
