// Issue 21's target: Entra's initial provisioning cycle of 10,000 users (for each: GET
// /Users?filter=userName eq "…", then POST /Users, as Entra does) at 10 concurrent connections
// against a 20,000-person directory with 2,000 members: no errors; the rate; and the Users page
// p99 while the cycle runs as a ratio of its p99 without it (target ≤ 2). The Users page load
// (2 connections) runs in a child process of its own, the SCIM cycle here, the server in a third.
// SCIM_BENCH_USERS=200 runs a small cycle to check that the benchmark works.
import { loadavg } from "node:os";
import { issueScimToken } from "../../src/domain/scim-tokens.js";
import { startResendStandIn } from "../support/resend-stand-in.js";
import { benchSessionCookie, createBenchDatabase, startChildServer } from "../support/child-server.js";
import { round, runLoadApart } from "../support/load.js";
import { personAt, seedLargeOrganization } from "../support/seed-large.js";
import { readSql } from "../support/db.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const USERS_PAGES = ["/users", "/users?status=invited", "/users?q=maya"];

type Cycle = { users: number; requests: number; errors: number; firstError: string | null; seconds: number; getMs: number[]; postMs: number[] };

/** `users` directory people provisioned by `connections` loops, each user a filter GET then a POST. */
async function runCycle(url: string, token: string, domain: string, users: number, connections: number): Promise<Cycle> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" };
  const result: Cycle = { users, requests: 0, errors: 0, firstError: null, seconds: 0, getMs: [], postMs: [] };
  const fail = (what: string) => {
    result.errors++;
    result.firstError ??= what;
  };
  let next = 1; // person 0 is the admin
  const started = performance.now();
  const loop = async () => {
    for (let i = next++; i <= users; i = next++) {
      const p = personAt(i, domain);
      try {
        let t = performance.now();
        const found = await fetch(`${url}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${p.mail}"`)}`, { headers });
        result.getMs.push(performance.now() - t);
        result.requests++;
        const list = (await found.json()) as { totalResults?: number };
        if (found.status !== 200 || list.totalResults !== 0) fail(`GET ${p.mail}: ${found.status} ${JSON.stringify(list).slice(0, 200)}`);
        t = performance.now();
        const created = await fetch(`${url}/scim/v2/Users`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            userName: p.mail,
            externalId: `oid-${i}`,
            active: true,
            displayName: `${p.given} ${p.surname}`,
            name: { givenName: p.given, familyName: p.surname, formatted: `${p.given} ${p.surname}` },
            emails: [{ primary: true, type: "work", value: p.mail }],
            title: "Field Engineer",
            [ENTERPRISE]: { department: "Sales" },
          }),
        });
        result.postMs.push(performance.now() - t);
        result.requests++;
        const body = await created.text();
        if (created.status !== 201) fail(`POST ${p.mail}: ${created.status} ${body.slice(0, 200)}`);
      } catch (error) {
        fail(`${p.mail}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

const p = (sorted: number[], q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!) : 0);

export async function benchScim(options: { users?: number; connections?: number; usersPageSeconds?: number } = {}): Promise<Record<string, number | string>> {
  const users = options.users ?? Number(process.env.SCIM_BENCH_USERS ?? 10_000);
  const connections = options.connections ?? 10;
  const people = Math.max(20_000, users + 2_001);
  const pageSeconds = options.usersPageSeconds ?? Math.min(20, Math.max(3, Math.round(users / 500)));
  const database = await createBenchDatabase();
  const org = await seedLargeOrganization(database.db, { people, members: 2_000, domain: "scim.example", name: "Scim Corp" });
  const cookie = await benchSessionCookie(database.db, org.adminId, org.orgId);
  const token = await issueScimToken(database.db, { personId: org.adminId, orgId: org.orgId, name: "Bench Admin" });
  const standIn = await startResendStandIn();
  // The per-token limit would make the rate the limiter's: lifted, so the figure is the server's.
  const server = await startChildServer({
    DATABASE_URL: database.url,
    WORKERS: "true",
    SCIM_REQUESTS_PER_SECOND: "1000000",
    RESEND_API_KEY: standIn.apiKey,
    RESEND_BASE_URL: standIn.url,
    MAIL_REQUESTS_PER_SECOND: "10",
  });
  try {
    const usersPage = { url: server.url, paths: USERS_PAGES, connections: 2, seconds: pageSeconds, headers: { cookie } };
    const quiet = await runLoadApart(usersPage);
    const loadBefore = loadavg()[0]!;
    const [busy, cycle] = await Promise.all([runLoadApart(usersPage), runCycle(server.url, token, org.domain, users, connections)]);
    const loadAfter = loadavg()[0]!;
    const provisioned = { rows: await readSql(database.db, "SELECT count(*) AS n FROM scim_users WHERE org_id = ?", [org.orgId]) };
    const invited = {
      rows: await readSql(
        database.db,
        "SELECT count(*) AS n FROM audit_events WHERE org_id = ? AND actor_label = 'Entra provisioning' AND action = 'member.invite'",
        [org.orgId],
      ),
    };
    const gets = [...cycle.getMs].sort((a, b) => a - b);
    const posts = [...cycle.postMs].sort((a, b) => a - b);
    return {
      "users in the cycle": users,
      connections,
      "directory people": people,
      "errors (target 0)": cycle.errors,
      ...(cycle.firstError ? { "first error": cycle.firstError } : {}),
      "users provisioned (scim_users)": Number(provisioned.rows[0]!.n),
      "invitations by Entra provisioning": Number(invited.rows[0]!.n),
      "cycle seconds": round(cycle.seconds, 1),
      "users per second": round(users / cycle.seconds, 1),
      "requests per second": round(cycle.requests / cycle.seconds, 1),
      "GET filter p50 (ms)": p(gets, 0.5),
      "GET filter p99 (ms)": p(gets, 0.99),
      "POST p50 (ms)": p(posts, 0.5),
      "POST p99 (ms)": p(posts, 0.99),
      "users page seconds measured (each run)": pageSeconds,
      "users page p99 without the cycle (ms)": quiet.p99,
      "users page p99 during the cycle (ms)": busy.p99,
      "users page p99 ratio during/without (target <= 2)": quiet.p99 > 0 ? round(busy.p99 / quiet.p99) : -1,
      "users page errors+non2xx during the cycle": busy.errors + busy.non2xx,
      "users page seconds overlapping the cycle": round(Math.min(pageSeconds, cycle.seconds), 1),
      "load average (1 min) before": round(loadBefore),
      "load average (1 min) after": round(loadAfter),
    };
  } finally {
    server.child.kill("SIGKILL");
    await standIn.close();
    database.dispose();
  }
}
