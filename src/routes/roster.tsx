// GET /users.csv?status=…&q=…: the Users list as the admin filtered it, as a streamed CSV (the
// roster export). Same filters and the same refusals as the page (400 for a bad status or a
// search over 200 characters); only the signed-in admin's organization.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { isMemberStatus } from "../domain/members.js";
import { walkMembers } from "../domain/member-roster.js";
import { ROSTER_CSV_HEADER, rosterCsvLine } from "../../views/users/roster-csv.js";
import { renderRefusal } from "../../views/respond.js";
import { csvDownload } from "./shared/csv-download.js";
import { listQueryProblem } from "./shared/user-list.js";

export function rosterRoutes() {
  return new Hono<AppEnv>().get("/users.csv", requireAdmin, async (c) => {
    const status = c.req.query("status") || undefined;
    const q = c.req.query("q") ?? "";
    const problem = listQueryProblem(status, q);
    if (problem) {
      return renderRefusal(c, 400, { title: "Users", active: "users", heading: "That list cannot be downloaded", message: problem });
    }
    const valid = isMemberStatus(status) ? status : undefined;
    const day = new Date().toISOString().slice(0, 10);
    return csvDownload(c, {
      fileName: `users-${valid ?? "all"}${q.trim() ? "-search" : ""}-${day}.csv`,
      header: ROSTER_CSV_HEADER,
      what: "roster export",
      pages: walkMembers(c.get("deps").db, c.get("session")!.org.id, { status: valid, q }),
      line: rosterCsvLine,
    });
  });
}
