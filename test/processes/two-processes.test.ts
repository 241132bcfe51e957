// Two server processes on one database file, both running every worker and both mailing one
// Resend stand-in: two 5,000-row imports (overlapping people, duplicates, errors, typos, members)
// validate and send at once while both processes serve pages, the type-ahead and status polls.
// Every row is validated once, every person invited once, every email delivered once.
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
  serverEnv,
  startServer,
  startTraffic,
  uploadImport,
  waitFor,
  type ProcessFixture,
} from "../support/processes.js";

const ROWS = 5_000;
let fx: ProcessFixture;
let servers: ChildServer[] = [];

describe("two server processes on one database", () => {
  beforeAll(async () => {
    fx = await createProcessFixture({ people: 14_000, members: 1_400, domain: "two.example", name: "Two Process Corp" });
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.child.kill("SIGKILL");
    await fx?.dispose();
  });

  it("validates every row once, invites every person once and sends every email once", async () => {
    const spec = { rows: ROWS, people: ROWS, domain: fx.org.domain, errorRate: 0.03, typoRate: 0.01, duplicateRate: 0.02 };
    // B names 1,000 of A's people too, and ends with 300 existing members.
    const csvA = makeImportCsv({ ...spec, offset: 0 });
    const csvB =
      makeImportCsv({ ...spec, offset: 4_000 }) +
      fx.org.people
        .slice(13_000, 13_300)
        .map((p) => `${p.mail}\r\n`)
        .join("");
    servers = await Promise.all([startServer(serverEnv(fx)), startServer(serverEnv(fx))]);
    const [one, two] = servers as [ChildServer, ChildServer];
    const started = performance.now();
    const [a, b] = await Promise.all([uploadImport(one.url, fx.cookie, csvA, "a.csv"), uploadImport(two.url, fx.cookie, csvB, "b.csv")]);
    const traffic = startTraffic([one.url, two.url], fx.cookie, () => [
      "/users",
      "/directory/search?q=ava",
      `/imports/${a}/status`,
      "/users?status=invited",
      `/imports/${b}/status`,
    ]);
    // Each Send Invite goes to the process that did not take the upload.
    const phases: Record<string, number> = {};
    await Promise.all(
      [[a, two] as const, [b, one] as const].map(async ([id, server], k) => {
        await waitFor(`import ${id} validated`, async () => (await importState(fx.db.db, id)).status === "ready", 120_000, 50);
        phases[`validated${"AB"[k]}`] = Math.round(performance.now() - started);
        await requestSend(server.url, fx.cookie, id);
        await waitFor(`import ${id} sent`, async () => (await importState(fx.db.db, id)).status === "sent", 120_000, 50);
        phases[`sent${"AB"[k]}`] = Math.round(performance.now() - started);
      }),
    );
    await waitFor("both imports sent and every email delivered", () => allDone(fx.db.db, fx.org.orgId, [a, b]), 150_000, 100);
    const seconds = (performance.now() - started) / 1000;
    const { requests, failures } = await traffic.stop();
    const [ja, jb] = [await importState(fx.db.db, a), await importState(fx.db.db, b)];
    console.log(
      `two processes: ${seconds.toFixed(1)} s (ms: ${JSON.stringify(phases)}), ${requests} GETs during the run (${failures.length} failed), ` +
        `A ${JSON.stringify(ja)}, B ${JSON.stringify(jb)}, ${fx.standIn.deliveries.length} deliveries in ${fx.standIn.requests.length} provider requests`,
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect(requests).toBeGreaterThan(50);
    expect([...(await checkImport(fx.db.db, a)), ...(await checkImport(fx.db.db, b))]).toEqual([]);
    expect(await checkInvitedAndMailedOnce(fx.db.db, fx.org.orgId, [a, b], fx.standIn)).toEqual([]);
    // The files were what they claim: both imports invited people, and the overlap and members were skipped.
    expect(ja.sent_count).toBeGreaterThan(3_000);
    expect(jb.sent_count).toBeGreaterThan(2_000);
    expect(ja.sent_count + jb.sent_count).toBe(fx.standIn.deliveries.length);
    // Whichever import sent second found the 1,000 shared people already invited; B's members were skipped.
    expect(ja.skipped_count + jb.skipped_count).toBeGreaterThan(1_200);
  }, 240_000);
});
