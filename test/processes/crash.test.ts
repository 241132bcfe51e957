// kill -9 at any point of Send Invite and of mail sending (including the worst moment: the
// provider accepted a batch but the server died before hearing so), and a combined case where
// one of two processes is killed again and again while imports validate, send and mail. After
// restarts everything finishes, nothing is lost, nothing is duplicated. (Killing validation
// alone is test/jobs/import-crash.test.ts.) Every crash point and its outcome is printed; the points
// come from a seed (test/support/crash-points.ts) that a failure prints, and CRASH_SEED replays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildServer } from "../support/child-server.js";
import { crashPoints } from "../support/crash-points.js";
import { makeImportCsv } from "../support/import-files.js";
import {
  allDone,
  checkImport,
  checkInvitedAndMailedOnce,
  createProcessFixture,
  importState,
  killHard,
  mailCounts,
  requestSend,
  serverEnv,
  startMailProxy,
  startServer,
  uploadImport,
  waitFor,
  type ProcessFixture,
} from "../support/processes.js";

type Crash = { case: string; point: string; state: string };
const crashes: Crash[] = [];
const live: ChildServer[] = [];
const fixtures: ProcessFixture[] = [];
const proxies: { close(): Promise<void> }[] = [];
const quick = { IMPORT_LEASE_SECONDS: "2", MAIL_LEASE_SECONDS: "2", MAIL_REQUESTS_PER_SECOND: "4" };

async function start(env: Record<string, string>): Promise<ChildServer> {
  const server = await startServer(env);
  live.push(server);
  return server;
}

async function describeState(fx: ProcessFixture, ids: string[]): Promise<string> {
  const parts = [];
  for (const id of ids) {
    const s = await importState(fx.db.db, id);
    parts.push(`${s.status} ${s.processed}/${s.total} validated, ${s.sent_count}/${s.ready_count} invited`);
  }
  const mail = await mailCounts(fx.db.db, fx.org.orgId);
  return `${parts.join("; ")}; mail ${mail.sent}/${mail.total} sent`;
}

async function finishAndCheck(fx: ProcessFixture, ids: string[]): Promise<void> {
  await waitFor("every import sent and every email delivered", () => allDone(fx.db.db, fx.org.orgId, ids), 150_000, 100);
  const problems = [
    ...(await Promise.all(ids.map((id) => checkImport(fx.db.db, id)))).flat(),
    ...(await checkInvitedAndMailedOnce(fx.db.db, fx.org.orgId, ids, fx.standIn)),
  ];
  expect(problems).toEqual([]);
}

describe("servers killed with kill -9 at any point", () => {
  beforeAll(() => undefined);
  afterAll(async () => {
    for (const s of live) s.child.kill("SIGKILL");
    for (const p of proxies) await p.close();
    for (const f of fixtures) await f.dispose();
    console.log(`crash points tried:\n${crashes.map((c) => `  [${c.case}] ${c.point} -> at kill: ${c.state}`).join("\n")}`);
  });

  it("during Send Invite, after the provider accepted a batch, and during mail sending: restarts finish without loss or duplicates", async () => {
    const { seed, between } = crashPoints();
    const fx = await createProcessFixture({ people: 6_000, members: 600, domain: "crash-mail.example", name: "Crash Mail Corp" });
    fixtures.push(fx);
    const proxy = await startMailProxy(fx.standIn.url);
    proxies.push(proxy);
    const env = serverEnv(fx, quick, proxy.url);
    const csv = makeImportCsv({ rows: 2_500, people: 2_500, domain: fx.org.domain, errorRate: 0.03, typoRate: 0.01, duplicateRate: 0.02 });
    let server = await start(env);
    const id = await uploadImport(server.url, fx.cookie, csv, "crash-mail.csv");
    await waitFor("validation", async () => (await importState(fx.db.db, id)).status === "ready", 120_000, 50);
    const ready = (await importState(fx.db.db, id)).ready_count;
    await requestSend(server.url, fx.cookie, id);

    // 1. Send Invite under way: killed once a random share of the ready rows is invited.
    const sendAt = Math.floor(ready * between(0.1, 0.6));
    await waitFor("Send Invite under way", async () => (await importState(fx.db.db, id)).sent_count >= sendAt, 60_000, 5);
    await killHard(server);
    crashes.push({ case: `send+mail, seed ${seed}`, point: `Send Invite, ≥${sendAt} of ${ready} invited`, state: await describeState(fx, [id]) });

    // 2. The provider has accepted (and delivered) a batch; the server dies before the answer arrives.
    server = await start(env);
    const nth = 1 + Math.floor(between(0, 4));
    await proxy.killAfterAccepted(nth, () => killHard(server));
    crashes.push({
      case: "send+mail",
      point: `mail: provider accepted batch ${nth} after restart, server killed before the answer`,
      state: await describeState(fx, [id]),
    });

    // 3. Mail sending under way: killed at a random share of the emails sent.
    server = await start(env);
    const total = ready;
    const mailAt = Math.floor(total * between(0.3, 0.8));
    const reached = await waitFor("mail sending under way", async () => (await mailCounts(fx.db.db, fx.org.orgId)).sent >= mailAt, 60_000, 5).then(
      () => true,
      () => false,
    );
    await killHard(server);
    crashes.push({
      case: "send+mail",
      point: `mail: ≥${mailAt} of ${total} emails sent${reached ? "" : " (not reached in time)"}`,
      state: await describeState(fx, [id]),
    });

    server = await start(env);
    await finishAndCheck(fx, [id]);
    expect((await importState(fx.db.db, id)).sent_count).toBe(ready);
    crashes.push({
      case: "send+mail",
      point: "restarted: finished",
      state: `${await describeState(fx, [id])}; ${fx.standIn.deliveries.length} deliveries, ${fx.standIn.requests.filter((r) => r.replayed).length} replayed requests; checks passed`,
    });
    await server.stop();
  }, 200_000);

  it("combined: two processes, one killed again and again (and once both) while imports validate, send and mail", async () => {
    const { seed, between } = crashPoints();
    const fx = await createProcessFixture({ people: 9_000, members: 900, domain: "crash-all.example", name: "Crash All Corp" });
    fixtures.push(fx);
    const env = serverEnv(fx, quick);
    const spec = { rows: 2_500, people: 2_500, domain: fx.org.domain, errorRate: 0.03, typoRate: 0.01, duplicateRate: 0.02 };
    const servers = [await start(env), await start(env)];
    const a = await uploadImport(servers[0]!.url, fx.cookie, makeImportCsv({ ...spec, offset: 0 }), "a.csv");
    const b = await uploadImport(servers[1]!.url, fx.cookie, makeImportCsv({ ...spec, offset: 2_000 }), "b.csv");
    const pressed = new Set<string>();
    const pressSend = async () => {
      for (const id of [a, b]) {
        if (pressed.has(id) || (await importState(fx.db.db, id)).status !== "ready") continue;
        pressed.add(id);
        const alive = servers.find((s) => s.child.exitCode === null && s.child.signalCode === null)!;
        await requestSend(alive.url, fx.cookie, id);
      }
    };
    for (let round = 0; round < 4; round++) {
      // The first kill lands while the files are still being validated.
      const delay = Math.round(round === 0 ? between(50, 400) : between(300, 2_500));
      const deadline = Date.now() + delay;
      while (Date.now() < deadline) {
        await pressSend();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const both = round === 2;
      const victims = both ? [0, 1] : [round % 2];
      for (const v of victims) await killHard(servers[v]!);
      crashes.push({
        case: `combined, seed ${seed}`,
        point: `${both ? "both processes" : `process ${victims[0]! + 1}`} killed ${delay} ms into round ${round + 1}`,
        state: await describeState(fx, [a, b]),
      });
      for (const v of victims) servers[v] = await start(env);
    }
    await waitFor(
      "both imports validated",
      async () => {
        await pressSend();
        return pressed.size === 2;
      },
      120_000,
      100,
    );
    await finishAndCheck(fx, [a, b]);
    crashes.push({
      case: "combined",
      point: "restarted: finished",
      state: `${await describeState(fx, [a, b])}; ${fx.standIn.deliveries.length} deliveries; checks passed`,
    });
    for (const s of servers) await s.stop();
  }, 200_000);
});
