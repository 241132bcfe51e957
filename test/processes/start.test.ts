// `npm start` as an admin runs it: the esbuild bundle of src/cli/start.mjs, on a fresh database in
// local mode. The bundle lives under node_modules/.cache/, so this proves it still finds what we
// ship (migrations, the demo directory CSV, static files) and serves the demo organization.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createBenchDatabase, freePort, ROOT, startChildServer, type BenchDatabase, type ChildServer } from "../support/child-server.js";

let database: BenchDatabase | undefined;
let server: ChildServer | undefined;

describe("npm start", () => {
  afterAll(async () => {
    await server?.stop();
    database?.dispose();
  });

  it("starts on a fresh database in local mode: migrated, demo seeded, static files served", async () => {
    database = await createBenchDatabase();
    database.close();
    server = await startChildServer({ DATABASE_URL: database.url, SEED_DEMO: "true", WORKERS: "false" }, "npm start");
    const login = await fetch(`${server.url}/login`);
    expect(login.status).toBe(200);
    const page = await login.text();
    expect(page).toContain("alex.admin@contoso.example"); // the demo directory was read from the CSV
    expect(page).toMatch(/local mode/i);
    const css = await fetch(`${server.url}/static/app.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain("{");
    const htmx = await fetch(`${server.url}/static/htmx.min.js`);
    expect(htmx.status).toBe(200);
  }, 60_000);

  it("runs the database thread from its own bundle beside the server's", async () => {
    const own = await createBenchDatabase();
    own.close();
    const port = await freePort();
    const child = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: own.url,
        SEED_DEMO: "false",
        WORKERS: "true",
        LOG_LEVEL: "debug",
      },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    let log = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no word from the database thread in 30 s:\n${log}`)), 30_000);
        child.stdout!.on("data", (chunk: Buffer) => {
          log += chunk.toString();
          if (/database thread (ready|stopped)/.test(log)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(log).toContain('"msg":"database thread ready"');
      expect(log).not.toContain("database thread stopped");
    } finally {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, "SIGTERM");
      });
      own.dispose();
    }
  }, 60_000);
});
