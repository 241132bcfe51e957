// `npm start` under a process manager: SIGTERM to npm's process id, or to the node process
// itself, stops the server cleanly (it logs "stopping" and exits 0) and leaves nothing running.
// npm runs the script through `sh -c`; the script execs node, so no shell sits in between to
// swallow the signal and orphan the server.
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/child-server.js";
import { linesOf, startCommand, type RunningCommand } from "../support/commands.js";
import { childPids, waitFor } from "../support/processes.js";

let dir: string;
const running: RunningCommand[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signals-"));
});
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** The process ids whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();

async function startNpm(env: Record<string, string> = {}): Promise<{ npm: RunningCommand; node: number }> {
  const port = await freePort();
  const npm = startCommand("npm", ["start", "--silent"], { PORT: String(port), LOG_LEVEL: "info", DATABASE_URL: `file:${join(dir, `${port}.db`)}`, ...env });
  running.push(npm);
  await waitFor("the server", async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.ok === true, 60_000, 50);
  const children = childrenOf(npm.child.pid!);
  expect(children).toHaveLength(1);
  return { npm, node: children[0]! };
}

describe("npm start and signals", () => {
  it("runs node directly under npm (no shell in between)", async () => {
    const { npm, node } = await startNpm();
    expect(commandOf(node)).toMatch(/^(\S*\/)?node src\/cli\/start\.mjs$/); // not `sh -c node …`
    npm.child.kill("SIGTERM");
    await npm.exited;
  });

  it("SIGTERM to npm's process id stops the server cleanly", async () => {
    const { npm, node } = await startNpm();
    npm.child.kill("SIGTERM");
    const { code } = await npm.exited;
    await waitFor("node to exit", async () => !alive(node), 10_000, 20);
    expect(code).toBe(0);
    expect(linesOf(npm.output().stdout).map((l) => JSON.parse(l).msg)).toContain("stopping");
  });

  it("WEB_CONCURRENCY=2: SIGTERM to npm's process id stops the primary and both server processes cleanly", async () => {
    const { npm, node } = await startNpm({ WEB_CONCURRENCY: "2" });
    const listening = () => linesOf(npm.output().stdout).filter((l) => JSON.parse(l).msg.startsWith("admin center listening")).length;
    await waitFor("two server processes listening", async () => listening() === 2 && childPids(node).length === 2, 30_000, 50);
    const servers = childPids(node);
    npm.child.kill("SIGTERM");
    const { code } = await npm.exited;
    await waitFor("every process to exit", async () => ![node, ...servers].some(alive), 10_000, 20);
    expect(code).toBe(0);
    const stopped = linesOf(npm.output().stdout)
      .map((l) => JSON.parse(l))
      .filter((entry) => entry.msg === "stopping")
      .map((entry) => entry.pid);
    expect(stopped.sort()).toEqual([node, ...servers].sort());
  });

  it("SIGTERM to the node process stops the server cleanly, and npm with it", async () => {
    const { npm, node } = await startNpm();
    process.kill(node, "SIGTERM");
    const { code } = await npm.exited;
    expect(code).toBe(0);
    expect(alive(node)).toBe(false);
    expect(linesOf(npm.output().stdout).map((l) => JSON.parse(l).msg)).toContain("stopping");
  });
});
