// The load scenario (`npm run bench -- load`, and a short run in test/processes/load.test.ts):
// the Users page, the type-ahead and the import status poll, 50 connections between them for
// 30 s over 127.0.0.1, while a 100,000-row import validates and sends (its emails go to a Resend
// stand-in) on a 200,000-person directory. Target: no errors, each endpoint's p99 under 100 ms.
// Each endpoint's load runs in a process of its own (runLoadApart), so each has its own
// percentiles and none starves another. The load average is reported: other work shows there.
import { loadavg } from "node:os";
import { benchSessionCookie, createBenchDatabase, startChildServer } from "./child-server.js";
import { readSql } from "./db.js";
import { makeImportCsv } from "./import-files.js";
import { round, runLoadApart, type LoadResult } from "./load.js";
import { startResendStandIn } from "./resend-stand-in.js";
import { seedLargeOrganization } from "./seed-large.js";

export type LoadOptions = { people?: number; members?: number; rows?: number; seconds?: number; connections?: number };

const SEARCHES = ["ava", "ben", "chloe.b", "dan", "maya", "noah p", "olivia", "priya", "sam", "zoe"];

export async function benchLoad(options: LoadOptions = {}): Promise<Record<string, number>> {
  const people = options.people ?? 200_000;
  const rows = options.rows ?? 100_000;
  const seconds = options.seconds ?? 30;
  const connections = options.connections ?? 50;
  const database = await createBenchDatabase();
  const org = await seedLargeOrganization(database.db, {
    people,
    members: options.members ?? Math.round(people / 10),
    domain: "load.example",
    name: "Load Corp",
  });
  const cookie = await benchSessionCookie(database.db, org.adminId, org.orgId);
  const standIn = await startResendStandIn();
  const server = await startChildServer({
    DATABASE_URL: database.url,
    WORKERS: "true",
    DIRECTORY_SEARCH_PER_SECOND: "1000000",
    RESEND_API_KEY: standIn.apiKey,
    RESEND_BASE_URL: standIn.url,
    MAIL_REQUESTS_PER_SECOND: "10",
  });
  const state = async () => (await readSql(database.db, "SELECT status, processed, total, sent_count FROM imports WHERE org_id = ?", [org.orgId]))[0]!;
  try {
    const csv = makeImportCsv({
      rows,
      people: Math.min(rows, people - Math.round(people / 10)),
      domain: org.domain,
      errorRate: 0.02,
      typoRate: 0.005,
      duplicateRate: 0.01,
    });
    const form = new FormData();
    form.append("file", new File([csv], "load.csv", { type: "text/csv" }));
    const uploaded = await fetch(`${server.url}/imports`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: server.url }, redirect: "manual" });
    if (uploaded.status !== 303) throw new Error(`upload answered ${uploaded.status}`);
    const importId = uploaded.headers.get("Location")!.split("/").pop()!;

    // Send Invite as soon as validation is done, while the load runs.
    let stopWatching = false;
    let sendPressedAtMs = -1;
    const started = performance.now();
    const watcher = (async () => {
      while (!stopWatching) {
        if ((await state()).status === "ready") {
          const sent = await fetch(`${server.url}/imports/${importId}/send`, {
            method: "POST",
            headers: { Cookie: cookie, Origin: server.url },
            redirect: "manual",
          });
          if (sent.status !== 303) throw new Error(`Send Invite answered ${sent.status}`);
          sendPressedAtMs = performance.now() - started;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const loadBefore = loadavg()[0]!;
    const share = (k: number) => Math.max(1, Math.floor(connections / 3) + (k < connections % 3 ? 1 : 0));
    const htmx = { cookie, "HX-Request": "true" };
    const [users, search, status] = await Promise.all([
      runLoadApart({ url: server.url, paths: ["/users", "/users?status=invited", "/users?q=maya"], connections: share(0), seconds, headers: { cookie } }),
      runLoadApart({
        url: server.url,
        paths: SEARCHES.map((q) => `/directory/search?q=${encodeURIComponent(q)}`),
        connections: share(1),
        seconds,
        headers: htmx,
      }),
      runLoadApart({ url: server.url, paths: [`/imports/${importId}/status`], connections: share(2), seconds, headers: htmx }),
    ]);
    const loadAfter = loadavg()[0]!;
    stopWatching = true;
    await watcher;
    const end = await state();
    const out: Record<string, number> = {
      "directory people": people,
      "import rows": rows,
      seconds,
      "connections (split over 3 endpoints)": connections,
      "load average (1 min) before": round(loadBefore),
      "load average (1 min) after": round(loadAfter),
    };
    const add = (name: string, r: LoadResult) => {
      out[`${name} requests`] = r.requests;
      out[`${name} errors+non2xx`] = r.errors + r.non2xx;
      out[`${name} p50 (ms)`] = r.p50;
      out[`${name} p99 (ms, target < 100)`] = r.p99;
    };
    add("users page", users);
    add("type-ahead", search);
    add("import status", status);
    out["import rows validated during the run"] = Number(end.processed);
    out["import rows total"] = Number(end.total);
    out["Send Invite pressed at (s, -1 = not yet)"] = sendPressedAtMs < 0 ? -1 : round(sendPressedAtMs / 1000, 1);
    out["people invited during the run"] = Number(end.sent_count);
    out["emails delivered during the run"] = standIn.deliveries.length;
    return out;
  } finally {
    server.child.kill("SIGKILL");
    await standIn.close();
    database.dispose();
  }
}
