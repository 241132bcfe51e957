// Every form handler and filter fed random and hostile strings (fast-check): the answer is always
// an expected 4xx or a normal result, never a 500, never input as live HTML, never a redirect off
// the site; and nothing is logged as an error. Each request comes from its own client address,
// so the per-client rate limits (tested in test/security/rate-limits.test.ts) stay out of the way.
import { Writable } from "node:stream";
import fc from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { expectSafeAnswer, fuzzRuns, hostileText, urlPart, wellFormed } from "../support/fuzz.js";

const runs: Record<string, number> = {};
const count = (name: string, n: number) => {
  runs[name] = fuzzRuns(n);
  return runs[name];
};

let t: TestApp;
let app: ReturnType<typeof createApp>;
let admin: string;
let member: string;
const errors: string[] = [];
let client = 0;

/** A request from a fresh client address (what the rate limiter keys on). */
async function send(path: string, init: RequestInit & { cookie?: string; htmx?: boolean } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (init.cookie) headers.Cookie = init.cookie;
  if (init.htmx) headers["HX-Request"] = "true";
  if (init.method === "POST") headers.Origin = ORIGIN;
  client++;
  return app.request(ORIGIN + path, { ...init, headers }, {
    incoming: { socket: { remoteAddress: `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` } },
  } as never);
}
/** A path segment as the URL parser keeps it: a backslash is a slash there, and "..", "%2e." or "" would change the path. */
const pathSegment = (value: string) => {
  const v = value.replace(/\\/g, "%5C");
  return /^(\.|%2e){0,2}$/i.test(v) ? "x" : v;
};
const form = (fields: [string, string][]) => {
  const body = new URLSearchParams();
  for (const [k, v] of fields) body.append(k, wellFormed(v));
  return body;
};

beforeAll(async () => {
  // The type-ahead's rate limit has its own test (test/security/rate-limits.test.ts); here it would answer 429.
  t = await createTestApp({ env: { DIRECTORY_SEARCH_PER_SECOND: "100000" } });
  await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 30 });
  admin = await t.signInAs("admin@a.example");
  member = await t.signInAs("member@a.example");
  const sink = new Writable({
    write(chunk, _enc, done) {
      errors.push(String(chunk));
      done();
    },
  });
  app = createApp({ ...t.deps, logger: pino({ level: "error" }, sink) });
});
afterAll(() => {
  t?.close();
  console.log(`fast-check runs, form handlers: ${JSON.stringify(runs)}`);
});

describe("form handlers under hostile input (fast-check)", () => {
  it("GET /users?status=&q=&after=&done=", async () => {
    await fc.assert(
      fc.asyncProperty(urlPart, urlPart, urlPart, urlPart, fc.boolean(), async (status, q, after, done, htmx) => {
        const res = await send(`/users?status=${status}&q=${q}&after=${after}&done=${done}`, { cookie: admin, htmx });
        const html = await expectSafeAnswer(res, [200, 400], "GET /users");
        const flash = /<div class="flash" role="status">([^<]*)<\/div>/.exec(html)?.[1];
        if (flash !== undefined) expect(flash, "a flash is one of ours").toMatch(/\.$/);
      }),
      { numRuns: count("GET /users", 300), examples: [["", "", "", "constructor:1", false]] },
    );
  });

  it("GET /users/invite?q= and GET /directory/search?q= (type-ahead)", async () => {
    await fc.assert(
      fc.asyncProperty(urlPart, fc.constantFrom("/users/invite", "/directory/search"), fc.boolean(), async (q, path, htmx) => {
        const res = await send(`${path}?q=${q}`, { cookie: admin, htmx });
        await expectSafeAnswer(res, path === "/directory/search" && !htmx ? [302] : [200], `GET ${path}`);
      }),
      { numRuns: count("GET /users/invite, /directory/search", 300) },
    );
  });

  it("GET /activity?action=&actor=&before= and its CSV export", async () => {
    await fc.assert(
      fc.asyncProperty(urlPart, urlPart, urlPart, fc.constantFrom("/activity", "/activity.csv"), async (action, actor, before, path) => {
        const res = await send(`${path}?action=${action}&actor=${actor}&before=${before}`, { cookie: admin });
        await expectSafeAnswer(res, [200, 400, 404], `GET ${path}`);
      }),
      { numRuns: count("GET /activity", 200) },
    );
  });

  it("GET /settings?year=, /outbox?before=, /outbox/:id, /imports/:id/…", async () => {
    const paths = fc.constantFrom(
      "/settings?year=",
      "/outbox?before=",
      "/outbox/",
      "/imports/",
      "/imports/@/status",
      "/imports/@/errors.csv",
      "/imports/@/suggestions",
      "/users/@/archive",
    );
    await fc.assert(
      fc.asyncProperty(paths, urlPart, async (path, value) => {
        const segment = pathSegment(value);
        const url = path.includes("@") ? path.replace("@", segment) : path + (path.endsWith("/") ? segment : value);
        const res = await send(url, { cookie: admin });
        await expectSafeAnswer(res, [200, 400, 404], `GET ${url}`);
      }),
      { numRuns: count("GET settings, outbox, import and archive pages", 300) },
    );
  });

  it("GET /login?next=&login_hint= and POST /login/local", async () => {
    await fc.assert(
      fc.asyncProperty(urlPart, urlPart, async (next, hint) => {
        await expectSafeAnswer(await send(`/login?next=${next}&login_hint=${hint}`), [200], "GET /login");
      }),
      { numRuns: count("GET /login", 200) },
    );
    const email = fc.oneof(hostileText, fc.constantFrom("admin@a.example", " MEMBER@A.EXAMPLE ", "person1@a.example"));
    await fc.assert(
      fc.asyncProperty(email, hostileText, async (address, next) => {
        const res = await send("/login/local", {
          method: "POST",
          body: form([
            ["email", address],
            ["next", next],
          ]),
        });
        await expectSafeAnswer(res, [303, 422], "POST /login/local");
      }),
      { numRuns: count("POST /login/local", 300) },
    );
  });

  it("POST /invitations", async () => {
    const email = fc.oneof(hostileText, fc.constantFrom("person1@a.example", "PERSON2@a.example", "nobody@a.example", "x".repeat(400)));
    await fc.assert(
      fc.asyncProperty(fc.array(email, { maxLength: 8 }), fc.boolean(), async (emails, htmx) => {
        const res = await send("/invitations", { method: "POST", body: form(emails.map((e) => ["email", e])), cookie: admin, htmx });
        const receipt = res.headers
          .getSetCookie()
          .find((l) => l.startsWith("invite_result="))
          ?.split(";")[0];
        await expectSafeAnswer(res, htmx ? [200, 422] : [303, 422], "POST /invitations");
        // A plain post's result page shows what was posted: escaped there too.
        if (receipt) await expectSafeAnswer(await send("/invitations/result", { cookie: `${admin}; ${receipt}` }), [200], "GET /invitations/result");
      }),
      { numRuns: count("POST /invitations", 150) },
    );
  });

  it("POST /settings/rate", async () => {
    const rate = fc.oneof(hostileText, fc.double().map(String), fc.constantFrom("0.725", "$0.70", "0,655", "1e-3", "0.0001", "9999", "-0.5", " 0.5 "));
    const year = fc.oneof(hostileText, fc.integer({ min: -5000, max: 5000 }).map(String));
    await fc.assert(
      fc.asyncProperty(rate, year, fc.boolean(), async (r, y, htmx) => {
        const res = await send("/settings/rate", {
          method: "POST",
          body: form([
            ["rate", r],
            ["year", y],
          ]),
          cookie: admin,
          htmx,
        });
        await expectSafeAnswer(res, htmx ? [200, 422] : [303, 422], "POST /settings/rate");
      }),
      { numRuns: count("POST /settings/rate", 300) },
    );
  });

  it("row actions with random ids and bodies", async () => {
    const action = fc.constantFrom("archive", "resend", "reinvite");
    await fc.assert(
      fc.asyncProperty(urlPart, action, hostileText, fc.boolean(), async (id, what, junk, htmx) => {
        const res = await send(`/users/${pathSegment(id)}/${what}`, {
          method: "POST",
          body: form([
            ["confirm", junk],
            ["id", junk],
          ]),
          cookie: admin,
          htmx,
        });
        await expectSafeAnswer(res, [404], `POST /users/:id/${what}`);
      }),
      { numRuns: count("POST /users/:id/archive|resend|reinvite", 300) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(hostileText, { maxLength: 5 }), fc.oneof(hostileText, fc.constant("yes")), fc.boolean(), async (ids, confirm, htmx) => {
        const res = await send("/users/archive", {
          method: "POST",
          body: form([...ids.map((id): [string, string] => ["id", id]), ["confirm", confirm]]),
          cookie: admin,
          htmx,
        });
        await expectSafeAnswer(res, [200, 303, 404, 409], "POST /users/archive");
      }),
      { numRuns: count("POST /users/archive", 200) },
    );
  });

  it("GET and POST /join/:token, signed out and signed in", async () => {
    const token = fc.oneof(urlPart, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/));
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom("GET", "POST"), fc.constantFrom(undefined, admin, member), async (tok, method, cookie) => {
        const res = await send(`/join/${pathSegment(tok)}`, { method, cookie });
        await expectSafeAnswer(res, method === "GET" ? [200, 403, 404, 410] : [303, 403, 404, 409, 410], `${method} /join/:token`);
      }),
      { numRuns: count("GET|POST /join/:token", 300) },
    );
  });

  it("POST /imports: random bytes under hostile file names", async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      hostileText.map((s) => new TextEncoder().encode(`email\r\n${s}\r\nperson1@a.example\r\n`)),
    );
    const name = fc.oneof(
      hostileText,
      hostileText.map((s) => `${s}.csv`),
      fc.constantFrom("../../etc/passwd", "C:\\Users\\x\\list.csv", "a\r\nb.csv", ""),
    );
    await fc.assert(
      fc.asyncProperty(bytes, name, fc.boolean(), async (content, fileName, htmx) => {
        const body = new FormData();
        body.append("file", new File([content], wellFormed(fileName), { type: "text/csv" }));
        const res = await send("/imports", { method: "POST", body, cookie: admin, htmx });
        await expectSafeAnswer(res, htmx ? [200, 422] : [303, 422], "POST /imports");
        if (res.status === 303) await expectSafeAnswer(await send(res.headers.get("location")!, { cookie: admin }), [200], "GET /imports/:id");
      }),
      { numRuns: count("POST /imports", 120) },
    );
    // The uploads above show on the Users page and in the activity log: escaped there too.
    await expectSafeAnswer(await send("/users", { cookie: admin }), [200], "GET /users after uploads");
    await expectSafeAnswer(await send("/activity", { cookie: admin }), [200], "GET /activity after uploads");
  });

  it("logged no error while answering all of the above", () => {
    expect(errors).toEqual([]);
  });
});
