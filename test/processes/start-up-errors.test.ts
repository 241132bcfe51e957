// The server started with a bad setting, as an operator would meet it: one line on stderr that
// says what to do, exit code 1, nothing on stdout. And the settings that start but would surprise
// someone later are warned about in the log.
import { request } from "node:http";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/child-server.js";
import { linesOf, nobodyIfRoot, runServer, startCommand } from "../support/commands.js";
import { waitFor } from "../support/processes.js";

const ENTRA = { ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555", ENTRA_CLIENT_SECRET: "s3cret", ENTRA_TENANT_ID: "organizations" };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "start-up-errors-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectOneLine(env: Record<string, string>, line: RegExp | string) {
  const result = await runServer({ DATABASE_URL: `file:${join(dir, "app.db")}`, ...env }, 30_000);
  expect(result.code, result.stderr).toBe(1);
  expect(linesOf(result.stderr)).toEqual([typeof line === "string" ? line : expect.stringMatching(line)]);
  expect(result.stdout).toBe("");
}

describe("start-up failures are one line and exit code 1", () => {
  it("LOG_LEVEL is checked with the rest of the configuration", async () => {
    await expectOneLine(
      { LOG_LEVEL: "bogus" },
      'Configuration error: LOG_LEVEL="bogus" is invalid: expected one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it("a port in use", async () => {
    const port = await freePort();
    const taken: Server = await new Promise((resolve) => {
      const s = createServer().listen(port, "127.0.0.1", () => resolve(s));
    });
    try {
      await expectOneLine({ PORT: String(port) }, `Cannot start: port ${port} is in use: set PORT to a free port, or stop what listens there`);
      // Several processes: the first alone tries the port, so the line comes once, and the primary exits with it.
      await expectOneLine(
        { PORT: String(port), WEB_CONCURRENCY: "3" },
        `Cannot start: port ${port} is in use: set PORT to a free port, or stop what listens there`,
      );
    } finally {
      taken.close();
    }
  });

  it("a libSQL server that is not there", async () => {
    const port = await freePort();
    await expectOneLine(
      { DATABASE_URL: `http://127.0.0.1:${port}` },
      new RegExp(
        `^Database error: cannot reach the database at http://127\\.0\\.0\\.1:${port}: connection refused \\(is the libSQL server running\\? check DATABASE_URL\\)$`,
      ),
    );
  });

  it("a database path through a file, and a database path that is a folder", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    await expectOneLine(
      { DATABASE_URL: `file:${file}/app.db` },
      new RegExp(`^Database error: cannot create the database at ${file}/app\\.db: part of the path is a file, not a folder\\.`),
    );
    await expectOneLine(
      { DATABASE_URL: `file:${dir}` },
      `Database error: ${dir} is a folder, not a database file: set DATABASE_URL=file:${dir}/app.db, for example`,
    );
  });

  // Root may write anywhere, so the server runs as nobody here (skipped when that cannot be done).
  it.skipIf(!nobodyIfRoot())("a database folder this user may not write", async () => {
    await runServer({ LOG_LEVEL: "bogus" }); // builds the bundle as root first: nobody may not write it either
    chmodSync(dir, 0o755);
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o755 });
    for (const [url, line] of [
      [
        `file:${locked}/app.db`,
        `Database error: cannot create the database at ${locked}/app.db: the folder ${locked} is not writable. Check DATABASE_URL, or let this user write there`,
      ],
      [
        `file:${locked}/data/app.db`,
        `Database error: cannot create the database at ${locked}/data/app.db: permission denied. Check DATABASE_URL, or let this user write to ${locked}`,
      ],
    ]) {
      const result = await runServer({ DATABASE_URL: url!, HOME: dir }, 30_000, nobodyIfRoot()!);
      expect(result.code, result.stderr).toBe(1);
      expect(linesOf(result.stderr)).toEqual([line]);
    }
  });

  it("outside local mode, no mail transport: refused unless MAIL_TRANSPORT=outbox says so on purpose", async () => {
    await expectOneLine(
      ENTRA,
      /^Configuration error: RESEND_API_KEY is missing: outside local mode invitations must be sent\. Set RESEND_API_KEY, or MAIL_TRANSPORT=outbox/,
    );
    await expectOneLine({ ...ENTRA, MAIL_TRANSPORT: "resend" }, /^Configuration error: MAIL_TRANSPORT=resend needs RESEND_API_KEY/);
  });

  it("a Resend webhook secret that is not the whsec_ form (and the value is not echoed)", async () => {
    await expectOneLine(
      { RESEND_WEBHOOK_SECRET: "my-secret-value" },
      /^Configuration error: RESEND_WEBHOOK_SECRET is invalid: expected the whsec_… signing secret/,
    );
    const result = await runServer({ RESEND_WEBHOOK_SECRET: "my-secret-value", DATABASE_URL: `file:${join(dir, "app.db")}` });
    expect(result.stderr).not.toContain("my-secret-value");
  });
});

describe("settings that start but would surprise someone", () => {
  it("Entra with the default PUBLIC_URL and mail kept in the outbox: warned at start; a failed discovery logs its URL and cause", async () => {
    const port = await freePort();
    const idpPort = await freePort(); // nothing listens there
    const server = startCommand(process.execPath, ["src/cli/start.mjs"], {
      ...ENTRA,
      ENTRA_AUTHORITY: `http://127.0.0.1:${idpPort}`,
      MAIL_TRANSPORT: "outbox",
      PORT: String(port),
      LOG_LEVEL: "warn",
      DATABASE_URL: `file:${join(dir, "entra.db")}`,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor("the server", async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 30_000, 50);
      const warnings = linesOf(server.output().stdout).map((line) => JSON.parse(line) as { level: number; msg: string });
      expect(warnings.map((w) => w.msg)).toEqual([
        expect.stringMatching(new RegExp(`^PUBLIC_URL is http://localhost:${port}: Microsoft will send people back to localhost after sign-in`)),
        expect.stringMatching(/^MAIL_TRANSPORT=outbox: no email is sent/),
      ]);
      expect(warnings.every((w) => w.level === 40)).toBe(true);

      // Only PUBLIC_URL's host is served in Entra mode: ask as localhost, on the loopback address it listens on.
      expect(await statusAs(`localhost:${port}`, `${url}/login/entra`)).toBe(502);
      await waitFor("the discovery error in the log", async () => server.output().stdout.includes("entra discovery failed"), 10_000, 20);
      const logged = linesOf(server.output().stdout)
        .map((line) => JSON.parse(line))
        .find((l) => l.msg === "entra discovery failed");
      expect(logged.err.message).toBe(
        `OpenID configuration at http://127.0.0.1:${idpPort}/organizations/v2.0/.well-known/openid-configuration could not be fetched: connection refused (connect ECONNREFUSED 127.0.0.1:${idpPort})`,
      );
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("local mode without the demo on an empty database: the sign-in page says how to load a directory", async () => {
    const port = await freePort();
    const server = startCommand(process.execPath, ["src/cli/start.mjs"], {
      PORT: String(port),
      SEED_DEMO: "false",
      DATABASE_URL: `file:${join(dir, "empty.db")}`,
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitFor("the server", async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 30_000, 50);
      const page = await (await fetch(`${url}/login`)).text();
      expect(page).toContain("the directory is empty");
      expect(page).toContain("npm run directory:import -- --org");
      expect(page).toContain("--admin");
      expect(page).not.toContain("alex.admin@contoso.example");
      expect(page).not.toContain('action="/login/local"'); // no form that can only refuse
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });
});

/** The status of a GET to `url` sent with the Host header `host` (fetch always sends the URL's own). */
function statusAs(host: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", reject)
      .end();
  });
}
