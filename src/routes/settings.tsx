// GET /settings, POST /settings/rate (the organization's mileage rate) and POST
// /settings/reminders (remind people who have not joined). Business Administrators only.
import { Hono, type Context } from "hono";
import { requireAdmin } from "../auth/guards.js";
import type { AppEnv } from "../context.js";
import { getRateInForce, listRateHistory, parseYearInput, setMileageRate, type RateErrors } from "../domain/rates.js";
import { getReminderSetting, parseReminderDays, setReminderDays } from "../domain/reminders.js";
import { ReminderSettings, type ReminderSettingsView } from "../../views/settings/reminder-settings.js";
import { formatRate } from "../../views/components/format.js";
import { RateForm, RateSettings, SettingsPage, type RateFormValues, type SettingsView } from "../../views/settings/settings-page.js";
import { isFragmentRequest, respond, renderRefusal } from "../../views/respond.js";

async function loadSettings(
  c: Context<AppEnv>,
  year: number,
  form: { values: RateFormValues; errors: RateErrors },
  flash?: string,
  reminders?: Partial<ReminderSettingsView>,
): Promise<SettingsView> {
  const { db } = c.get("deps");
  const orgId = c.get("session")!.org.id;
  const [rateInForce, history, setting] = await Promise.all([getRateInForce(db, orgId, year), listRateHistory(db, orgId), getReminderSetting(db, orgId)]);
  return { year, rateInForce, history, form, flash, reminders: { days: setting.days, ...reminders } };
}

const remindersSaved = (days: number) =>
  days === 0
    ? "Saved. Reminders are off."
    : `Saved. People who have not joined are reminded ${days} days after their invitation, and again ${days} days later.`;

export function settingsRoutes() {
  return new Hono<AppEnv>()
    .get("/", requireAdmin, async (c) => {
      const year = parseYearInput(c.req.query("year"));
      if (!year.ok) {
        return renderRefusal(c, 400, { title: "Settings", active: "settings", heading: "That year cannot be shown", message: year.message });
      }
      // ?saved=1 comes from the redirect after a plain form post: say what happened.
      const saved = c.req.query("saved") === "1";
      const view = await loadSettings(c, year.value, { values: { rate: "", year: String(year.value) }, errors: {} });
      if (saved && view.rateInForce !== null) view.flash = `Saved. The ${year.value} rate is now ${formatRate(view.rateInForce)} per mile.`;
      if (c.req.query("reminders") === "saved") view.reminders.flash = remindersSaved(view.reminders.days);
      return respond(c, { title: "Settings", active: "settings", page: () => <SettingsPage {...view} />, fragment: () => <RateSettings {...view} /> });
    })
    .post("/rate", requireAdmin, async (c) => {
      const { db } = c.get("deps");
      const session = c.get("session")!;
      const form = await c.req.parseBody();
      const values: RateFormValues = {
        rate: typeof form.rate === "string" ? form.rate.slice(0, 100) : "",
        year: typeof form.year === "string" ? form.year.slice(0, 20) : "",
      };
      const actor = { personId: session.person.id, orgId: session.org.id, name: session.person.displayName };
      const result = await setMileageRate(db, actor, values);
      if (!result.ok) {
        // The form keeps what was typed; htmx swaps just the form, a plain post gets the whole page.
        if (isFragmentRequest(c)) {
          c.header("HX-Retarget", "#rate-form");
          c.header("HX-Reswap", "outerHTML");
          c.header("Vary", "HX-Request");
          return c.html(<RateForm values={values} errors={result.errors} />, 422);
        }
        const shown = parseYearInput(values.year);
        const view = await loadSettings(c, shown.ok ? shown.value : new Date().getUTCFullYear(), { values, errors: result.errors });
        return respond(c, {
          title: "Error: Settings",
          active: "settings",
          status: 422,
          page: () => <SettingsPage {...view} />,
          fragment: () => <RateSettings {...view} />,
        });
      }
      const { year, rateMilli } = result.change;
      if (!isFragmentRequest(c)) return c.redirect(`/settings?year=${year}&saved=1`, 303);
      const view = await loadSettings(
        c,
        year,
        { values: { rate: "", year: String(year) }, errors: {} },
        `Saved. The ${year} rate is now ${formatRate(rateMilli)} per mile.`,
      );
      return c.html(<RateSettings {...view} />);
    })
    .post("/reminders", requireAdmin, async (c) => {
      const { db, wake } = c.get("deps");
      const session = c.get("session")!;
      const parsed = parseReminderDays((await c.req.parseBody()).days);
      if (!parsed.ok) {
        const current = (await getReminderSetting(db, session.org.id)).days;
        if (isFragmentRequest(c)) return c.html(<ReminderSettings days={current} error={parsed.message} />, 422);
        const view = await loadSettings(
          c,
          new Date().getUTCFullYear(),
          { values: { rate: "", year: String(new Date().getUTCFullYear()) }, errors: {} },
          undefined,
          { error: parsed.message },
        );
        return respond(c, {
          title: "Error: Settings",
          active: "settings",
          status: 422,
          page: () => <SettingsPage {...view} />,
          fragment: () => <ReminderSettings {...view.reminders} />,
        });
      }
      const actor = { personId: session.person.id, orgId: session.org.id, name: session.person.displayName };
      const { changed } = await setReminderDays(db, actor, parsed.days);
      if (changed) wake?.("reminders");
      if (!isFragmentRequest(c)) return c.redirect("/settings?reminders=saved", 303);
      return c.html(
        <ReminderSettings
          days={parsed.days}
          flash={changed ? remindersSaved(parsed.days) : `Nothing changed: reminders were already ${parsed.days === 0 ? "off" : `set to ${parsed.days} days`}.`}
        />,
      );
    });
}
