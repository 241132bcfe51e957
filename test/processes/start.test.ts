// `npm start` as an admin runs it: the esbuild bundle of src/cli/start.mjs, on a fresh database in
// local mode. The bundle lives under node_modules/.cache/, so this proves it still finds what we
// ship (migrations, the demo directory CSV, static files) and serves the demo organization.
import { afterAll, describe, expect, it } from "vitest";
import { createBenchDatabase, startChildServer, type BenchDatabase, type ChildServer } from "../bench/harness.js";

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
});
