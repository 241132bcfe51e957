// The cluster primary (WEB_CONCURRENCY=2) replaces a server process that dies, and does not spin
// on one that dies as it starts: the pause before each replacement doubles while they keep dying
// soon after start, and the next one that starts well serves again. Meanwhile the other process
// keeps answering on the port.
import { mkdirSync, renameSync, rmdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { ChildServer } from "../support/child-server.js";
import { replacementPauseMs } from "../../src/cluster-primary.js";
import { childPids, createProcessFixture, logEntries, serverEnv, startServer, untilAllListening, waitFor, type ProcessFixture } from "../support/processes.js";

let fx: ProcessFixture | undefined;
let server: ChildServer | undefined;
const replacements = (s: ChildServer) => logEntries(s).filter((e) => e.msg === "a server process exited: replacing it");
const listening = (s: ChildServer) => logEntries(s).filter((e) => String(e.msg).startsWith("admin center listening")).length;

describe("replacing server processes", () => {
  afterAll(async () => {
    if (server?.child.exitCode === null) process.kill(-server.child.pid!, "SIGKILL");
    await fx?.dispose();
  });

  it("pauses 0 after a long life, then 0.5, 1, 2 … up to 30 s while replacements keep dying at start", () => {
    expect([0, 1, 2, 3, 4, 6, 7, 20].map(replacementPauseMs)).toEqual([0, 500, 1_000, 2_000, 4_000, 16_000, 30_000, 30_000]);
  });

  it("replaces a killed process; backs off while replacements cannot start, and recovers", async () => {
    fx = await createProcessFixture({ people: 300, members: 30, domain: "replace.example", name: "Replace Corp" });
    server = await startServer(serverEnv(fx, { WEB_CONCURRENCY: "2", LOG_LEVEL: "info" }), { keepOutput: true });
    const [victim, other] = (await untilAllListening(server, 2)) as [number, number];

    process.kill(victim, "SIGKILL");
    await waitFor("a replacement listening", async () => listening(server!) >= 3 && childPids(server!.child.pid!).length === 2, 30_000, 50);
    const [replaced] = replacements(server);
    expect(replaced).toMatchObject({ exited: victim, signal: "SIGKILL" });
    const now = childPids(server.child.pid!);
    expect(now).toContain(other);
    expect(now).not.toContain(victim);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // The database path turns into a folder: a new process cannot open it and exits at start.
    const path = fx.db.url.slice("file:".length);
    renameSync(path, `${path}.away`);
    mkdirSync(path);
    const before = replacements(server).length;
    process.kill(now.find((pid) => pid !== other)!, "SIGKILL");
    const watchedFrom = Date.now();
    let answered = 0;
    while (Date.now() - watchedFrom < 7_000) {
      // The other process still serves. (A connection the primary handed to the killed process
      // just before it died is lost with it: hence the timeout.)
      const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      if (health?.ok) answered++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const crashes = replacements(server).slice(before);
    const pauses = crashes.map((e) => Number(e.pauseMs));
    console.log(
      `in 7 s with an unopenable database: ${crashes.length} replacements, pauses ${pauses.join(", ")} ms; ${answered} health checks answered meanwhile`,
    );
    expect(server.child.exitCode).toBe(null);
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    expect(crashes.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < pauses.length; i++) expect(pauses[i]).toBeGreaterThan(pauses[i - 1]!);
    expect(answered).toBeGreaterThan(25);

    rmdirSync(path);
    renameSync(`${path}.away`, path);
    const listened = listening(server);
    await waitFor("the next replacement listening", async () => listening(server!) > listened && childPids(server!.child.pid!).length === 2, 40_000, 50);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => server!.child.once("exit", (code) => resolve(code)));
    process.kill(server.child.pid!, "SIGTERM");
    expect(await exited).toBe(0);
  }, 120_000);
});
