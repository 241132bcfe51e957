// Settings: "Remind people who have not joined" after 3, 7 or 14 days, or off. The section is
// what a change answers with (htmx swaps it whole); without JavaScript the form posts and the
// page comes back with the message.
import { REMINDER_DAY_CHOICES } from "../../src/domain/reminders.js";
import { SwapForm } from "../components/swap-form.js";

export type ReminderSettingsView = { days: number; flash?: string | undefined; error?: string | undefined };

export const describeReminderDays = (days: number) => (days === 0 ? "Off" : `After ${days} days`);

export function ReminderSettings(props: ReminderSettingsView) {
  const choices = [...REMINDER_DAY_CHOICES, 0];
  return (
    <section id="reminder-settings" aria-labelledby="reminder-heading">
      <h2 id="reminder-heading">Reminders</h2>
      {props.flash && (
        <div class="flash" role="status">
          {props.flash}
        </div>
      )}
      <SwapForm action="/settings/reminders" target="#reminder-settings" hx-disable="find button">
        <fieldset aria-describedby={props.error ? "reminder-error reminder-hint" : "reminder-hint"} aria-invalid={props.error ? "true" : undefined}>
          <legend>Remind people who have not joined</legend>
          {choices.map((days) => (
            <label>
              <input type="radio" name="days" value={String(days)} checked={days === props.days} />
              {describeReminderDays(days)}
            </label>
          ))}
        </fieldset>
        {props.error && (
          <small id="reminder-error" class="field-error">
            {props.error}
          </small>
        )}
        <small id="reminder-hint" class="block muted">
          A reminder is the invitation again, with the same link. Each invitation gets at most two, the second as long after the first; nobody who joined, was
          archived or left the directory gets one.
        </small>
        <button type="submit">Save reminders</button>
      </SwapForm>
    </section>
  );
}
