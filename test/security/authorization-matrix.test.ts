// The authorization matrix, built from the app's own route table: every route the app serves is
// requested signed out, as a member without the role, as an admin, and as the admin of another
// organization holding the first one's real ids; each answer must be the one declared in
// test/support/route-policy.ts. A route with no declared policy fails. Then every state-changing
// route must refuse a missing or foreign Origin. Run in local mode and again with Entra configured.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { members } from "../../src/db/schema.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { newWebhookSecret } from "../support/resend-stand-in.js";
import { routePolicy, type Expected, type Role, type RoutePolicy } from "../support/route-policy.js";
import { actorFor, fixtureMaker, type Made } from "../support/security-fixtures.js";

type Mode = "local" | "entra";
const ROLES: Role[] = ["signedOut", "member", "otherAdmin", "admin"]; // admin last: its answers change state
const EMAIL: Record<Exclude<Role, "signedOut">, string> = { member: "member@a.example", admin: "admin@a.example", otherAdmin: "admin@b.example" };
const ENTRA_ENV = { ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555", ENTRA_CLIENT_SECRET: "s3cret", ENTRA_AUTHORITY: "http://127.0.0.1:1" };

/** "GET /users/:id/archive" for every concrete route (middleware entries, method ALL, left out). */
export function routeKeys(app: { routes: { method: string; path: string }[] }): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();
}

type World = { t: TestApp; make: (f: NonNullable<RoutePolicy["fixture"]>) => Promise<Made> };

async function buildWorld(mode: Mode): Promise<World> {
  const t = await createTestApp({ env: { RESEND_WEBHOOK_SECRET: newWebhookSecret(), ...(mode === "entra" ? ENTRA_ENV : {}) } });
  await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 400 });
  await createOrganization(t.deps.db, { name: "Org B", domain: "b.example", extra: 3 });
  const admin = await actorFor(t.deps.db, EMAIL.admin);
  return { t, make: fixtureMaker(t.deps.db, admin, "a.example", t.deps.config.publicUrl) };
}

type Sent = { response: Response; made: Made | null; before: unknown };

/** One request to `route` as `role`, with a fresh fixture and a fresh session. */
async function send(
  world: World,
  app: ReturnType<typeof createApp>,
  route: string,
  policy: RoutePolicy,
  role: Role,
  headers: Record<string, string>,
): Promise<Sent> {
  const [method, pattern] = route.split(" ") as [string, string];
  const made = policy.fixture ? await world.make(policy.fixture) : null;
  const path = pattern.replace(/:[a-z]+/g, () => made!.id) + (policy.query ?? "");
  const cookie = role === "signedOut" ? undefined : await world.t.signInAs(EMAIL[role]);
  let body: URLSearchParams | FormData | undefined;
  if (policy.upload) {
    body = new FormData();
    body.append("file", new File([policy.upload.content], policy.upload.name, { type: "text/csv" }));
  } else if (method !== "GET") {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(policy.form ?? {})) for (const one of [v].flat()) body.append(k, one === ":id" ? made!.id : one);
  }
  const before = made ? await made.state() : undefined;
  const response = await app.request(world.t.deps.config.publicUrl + path, {
    method,
    body,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...(policy.htmx ? { "HX-Request": "true" } : {}), ...headers },
  });
  return { response, made, before };
}

function describeAnswer(r: Response): string {
  return `${r.status}${r.headers.get("location") ? ` -> ${r.headers.get("location")}` : ""}${r.headers.get("hx-redirect") ? ` HX-Redirect ${r.headers.get("hx-redirect")}` : ""}`;
}

function matches(r: Response, expected: Expected): boolean {
  if (expected !== "login") return r.status === expected;
  if (r.status === 303) return r.headers.get("location")?.startsWith("/login?next=") ?? false;
  return r.status === 204 && (r.headers.get("hx-redirect")?.startsWith("/login?next=") ?? false);
}

const existsIn = (policy: RoutePolicy, mode: Mode) => (policy.modes ?? ["local", "entra"]).includes(mode);
const answerFor = (policy: RoutePolicy, mode: Mode, role: Role): Expected =>
  mode === "entra" && policy.entra?.[role] !== undefined ? policy.entra[role]! : policy[role];
const originChecked = (route: string, policy: RoutePolicy) => policy.originChecked ?? !route.startsWith("GET ");

let checked = 0;
let originChecks = 0;
afterAll(() => {
  console.log(`authorization matrix: ${checked} route × role answers checked, ${originChecks} Origin refusals checked`);
});

for (const mode of ["local", "entra"] as const) {
  describe(`authorization matrix (${mode} mode)`, () => {
    let world: World;
    beforeAll(async () => {
      world = await buildWorld(mode);
    });
    afterAll(() => world?.t.close());

    it("declares a policy for every route the app serves, and serves every route declared", () => {
      const served = routeKeys(world.t.app);
      const undeclared = served.filter((route) => !routePolicy[route]);
      expect(undeclared, "routes with no entry in test/support/route-policy.ts").toEqual([]);
      const missing = Object.entries(routePolicy)
        .filter(([route, p]) => existsIn(p, mode) && !served.includes(route))
        .map(([route]) => route);
      expect(missing, "declared routes the app does not serve").toEqual([]);
      const extra = served.filter((route) => routePolicy[route] && !existsIn(routePolicy[route]!, mode));
      expect(extra, `routes that must not exist in ${mode} mode`).toEqual([]);
    });

    it("answers every route, for every role, as declared", async () => {
      const wrong: string[] = [];
      const touched: string[] = [];
      for (const role of ROLES) {
        const app = createApp(world.t.deps); // its own rate limiters: the matrix never trips them
        for (const route of routeKeys(world.t.app)) {
          const policy = routePolicy[route];
          if (!policy) continue; // reported by the test above
          const expected = answerFor(policy, mode, role);
          const { response, made, before } = await send(world, app, route, policy, role, route.startsWith("GET ") ? {} : { Origin: ORIGIN });
          checked++;
          if (!matches(response, expected)) wrong.push(`${route} as ${role}: expected ${expected}, got ${describeAnswer(response)}`);
          // A refusal changes nothing: the fixture reads the same afterwards.
          if (made && role !== "admin" && typeof expected === "number" && expected >= 400 && route !== "POST /join/:token/switch") {
            const after = await made.state();
            if (JSON.stringify(after) !== JSON.stringify(before)) touched.push(`${route} as ${role}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
          }
          await response.arrayBuffer();
        }
      }
      expect(wrong).toEqual([]);
      expect(touched).toEqual([]);
      // B's admin posted A's address to POST /invitations: no one in B was invited by it.
      const orgB = (await actorFor(world.t.deps.db, EMAIL.otherAdmin)).orgId;
      const inB = await world.t.deps.db.select({ email: members.emailNorm }).from(members).where(eq(members.orgId, orgB));
      expect(inB).toEqual([]);
    });

    it("refuses every state-changing route without our Origin, whatever the session", async () => {
      const app = createApp(world.t.deps);
      const foreign: Record<string, Record<string, string>> = {
        "no Origin": {},
        "a foreign Origin": { Origin: "https://evil.example" },
        "a look-alike Origin": { Origin: `${ORIGIN}.evil.example` },
        "Origin: null": { Origin: "null" },
        "a foreign Referer only": { Referer: "https://evil.example/page" },
        "a same-site Sec-Fetch-Site with a foreign Origin": { Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" },
      };
      const wrong: string[] = [];
      for (const route of routeKeys(world.t.app)) {
        const policy = routePolicy[route];
        if (!policy || !originChecked(route, policy)) continue;
        for (const [what, headers] of Object.entries(foreign)) {
          const { response, made, before } = await send(world, app, route, policy, "admin", headers);
          originChecks++;
          const text = await response.text();
          if (response.status !== 403 || !text.includes("cross-site request refused")) wrong.push(`${route} with ${what}: ${describeAnswer(response)}`);
          if (made && JSON.stringify(await made.state()) !== JSON.stringify(before)) wrong.push(`${route} with ${what} changed its row`);
          if (response.headers.getSetCookie().some((c) => /^(__Host-)?session=[^;]/.test(c))) wrong.push(`${route} with ${what} set a session`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it("lets the signed webhook through without an Origin (its signature is the check)", async () => {
      const response = await createApp(world.t.deps).request(`${world.t.deps.config.publicUrl}/webhooks/resend`, {
        method: "POST",
        body: "{}",
        headers: { Origin: "https://evil.example", "Content-Type": "application/json" },
      });
      expect(response.status).toBe(400); // missing svix headers, not an Origin refusal
    });

    if (mode === "local") {
      it("has no Entra sign-in routes in local mode: they answer 404", async () => {
        const app = createApp(world.t.deps);
        for (const path of ["/login/entra", "/login/entra/callback?code=x&state=y"])
          expect((await app.request(world.t.deps.config.publicUrl + path)).status, path).toBe(404);
      });
    }
  });
}
