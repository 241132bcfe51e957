// GET /users/remind (the confirmation: how many people "Remind everyone invited more than N days
// ago" would remind) and POST /users/remind (ask the reminder job to do it). Business
// Administrators only; the request is the signed-in admin's organization's.
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { countRemindable, getReminderSetting, remindEveryoneDays, requestReminders } from "../domain/reminders.js";
import { RemindConfirm, RemindStarted } from "../../views/users/remind-everyone.js";
import { isFragmentRequest, respond } from "../../views/respond.js";
import { actorOf } from "./shared/actor.js";
import { currentListOf } from "./shared/user-list.js";

export function reminderRoutes() {
  return new Hono<AppEnv>()
    .get("/remind", requireAdmin, async (c) => {
      const { db } = c.get("deps");
      const orgId = c.get("session")!.org.id;
      const setting = await getReminderSetting(db, orgId);
      const days = setting.requested?.days ?? remindEveryoneDays(setting);
      const view = { days, count: await countRemindable(db, orgId, days), underWay: setting.requested !== null };
      return respond(c, {
        title: "Remind everyone",
        active: "users",
        page: () => <RemindConfirm {...view} page />,
        fragment: () => <RemindConfirm {...view} page={!currentListOf(c).onUsersPage} />,
      });
    })
    .post("/remind", requireAdmin, async (c) => {
      const result = await requestReminders(c.get("deps").db, actorOf(c));
      if (result.ok && result.started) c.get("deps").wake?.("reminders");
      if (!result.ok) {
        const view = { days: result.days, count: 0, underWay: false };
        return respond(c, {
          title: "Remind everyone",
          active: "users",
          status: 409,
          page: () => <RemindConfirm {...view} page />,
          fragment: () => <RemindConfirm {...view} page={!currentListOf(c).onUsersPage} />,
        });
      }
      if (!isFragmentRequest(c)) return c.redirect(`/users?status=invited&done=${result.started ? "reminding" : "reminding-already"}:${result.count}`, 303);
      return c.html(<RemindStarted {...result} page={!currentListOf(c).onUsersPage} />);
    });
}
