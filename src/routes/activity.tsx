// GET /activity (the log of admin actions) and GET /activity.csv (the same, filtered alike, as a
// streamed download). Filters: ?action=<code>&actor=<person id>; pages: ?before=<event id>.
// A malformed filter or cursor answers 400; a person id from another organization answers 404.
import { Hono, type Context } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { isOurId } from "../ids.js";
import {
  findActivityPerson,
  isActionCode,
  listActivity,
  listActivityActions,
  listActivityActors,
  walkActivity,
  type ActivityPerson,
} from "../domain/activity.js";
import { csvDownload } from "./shared/csv-download.js";
import { ACTIVITY_CSV_HEADER, activityCsvLine } from "../../views/activity/activity-csv.js";
import { CSV_BOM, csvLine } from "../../views/components/csv.js";
import { ActivityPage, ActivityResults, activityStatusText, type ActivityView } from "../../views/activity/activity-page.js";
import { LiveStatusText } from "../../views/components/live-status.js";
import { renderNotFound, respond, renderRefusal } from "../../views/respond.js";

type Filters = { action: string | undefined; actor: ActivityPerson | undefined; before: string | undefined };

/** Reads and checks the query: filters, or the response that refuses them. */
async function readFilters(c: Context<AppEnv>): Promise<{ ok: true; filters: Filters } | { ok: false; response: Response }> {
  const action = c.req.query("action") || undefined;
  const actorId = c.req.query("actor") || undefined;
  const before = c.req.query("before") || undefined;
  const problem =
    action !== undefined && !isActionCode(action)
      ? "The action filter is not one the activity log knows."
      : actorId !== undefined && !isOurId(actorId)
        ? "The person filter is not valid. Pick a person from the list."
        : before !== undefined && !isOurId(before)
          ? "This page link is not valid any more. Start again from the newest activity."
          : undefined;
  if (problem) {
    return {
      ok: false,
      response: await renderRefusal(c, 400, { title: "Activity", active: "activity", heading: "That activity cannot be shown", message: problem }),
    };
  }
  const actor = actorId ? await findActivityPerson(c.get("deps").db, c.get("session")!.org.id, actorId) : undefined;
  if (actorId && !actor) return { ok: false, response: await renderNotFound(c) };
  return { ok: true, filters: { action, actor, before } };
}

export function activityRoutes() {
  return new Hono<AppEnv>()
    .get("/activity", requireAdmin, async (c) => {
      const read = await readFilters(c);
      if (!read.ok) return read.response;
      const { action, actor, before } = read.filters;
      const { db } = c.get("deps");
      const orgId = c.get("session")!.org.id;
      const [page, actions, actors] = await Promise.all([
        listActivity(db, orgId, { action, actorId: actor?.id, before }),
        listActivityActions(db, orgId),
        listActivityActors(db, orgId),
      ]);
      const view: ActivityView = { action, actor, before, page, actions, actors };
      return respond(c, {
        title: "Activity",
        active: "activity",
        page: () => <ActivityPage {...view} />,
        fragment: () => (
          <>
            <ActivityResults {...view} />
            <LiveStatusText text={activityStatusText(view)} />
          </>
        ),
      });
    })
    .get("/activity.csv", requireAdmin, async (c) => {
      const read = await readFilters(c);
      if (!read.ok) return read.response;
      const { action, actor } = read.filters;
      const day = new Date().toISOString().slice(0, 10);
      return csvDownload(c, {
        fileName: `activity-${day}.csv`,
        header: CSV_BOM + csvLine(ACTIVITY_CSV_HEADER),
        what: "activity export",
        pages: walkActivity(c.get("deps").db, c.get("session")!.org.id, { action, actorId: actor?.id }),
        line: activityCsvLine,
      });
    });
}
