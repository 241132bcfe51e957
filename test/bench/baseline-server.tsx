// The yardstick for the Users page: a bare Hono + JSX page rendering 50 rows from the same
// libSQL query, with nothing else (no session, no counts, no layout).
import { serve } from "@hono/node-server";
import { createClient } from "@libsql/client";
import { Hono } from "hono";

const client = createClient({ url: process.env.DATABASE_URL! });
await client.execute("PRAGMA journal_mode = WAL");
const orgId = String((await client.execute("SELECT id FROM organizations LIMIT 1")).rows[0]!.id);
const app = new Hono();
app.get("/healthz", (c) => c.text("ok"));
app.get("/users", async (c) => {
  const { rows } = await client.execute({
    sql: `SELECT m.id, m.name, m.email, m.status, m.invited_at, d.job_title FROM members m LEFT JOIN directory_people d ON d.id = m.person_id
          WHERE m.org_id = ? ORDER BY m.sort_name, m.id LIMIT 51`,
    args: [orgId],
  });
  return c.html(
    // biome-ignore lint/a11y/useHtmlLang: the bare page is a throughput floor, not a page anyone reads.
    <html>
      <body>
        <table>
          {rows.slice(0, 50).map((r) => (
            <tr>
              <td>{String(r.name)}</td>
              <td>{String(r.email)}</td>
              <td>{String(r.status)}</td>
              <td>{String(r.job_title)}</td>
              <td>{String(r.invited_at)}</td>
            </tr>
          ))}
        </table>
      </body>
    </html>,
  );
});
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
