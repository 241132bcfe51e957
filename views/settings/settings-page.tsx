// Settings: the organization's mileage rate. The page composes RateSettings (the section a
// successful change answers with) which holds RateForm (what a refused change answers with)
// and RateHistory.
import type { RateErrors, RateHistoryEntry } from "../../src/domain/rates.js";
import { formatRate, TimeAgo } from "../components/format.js";
import { DataTable, EmptyList } from "../components/table.js";
import { ReminderSettings, type ReminderSettingsView } from "./reminder-settings.js";
import { SwapForm } from "../components/swap-form.js";

export type RateFormValues = { rate: string; year: string };

export type SettingsView = {
  /** The year the page shows the rate in force for. */
  year: number;
  rateInForce: number | null;
  history: RateHistoryEntry[];
  form: { values: RateFormValues; errors: RateErrors };
  /** Said after a successful change. */
  flash?: string | undefined;
  reminders: ReminderSettingsView;
};

export function SettingsPage(props: SettingsView) {
  return (
    <>
      <div class="page-head">
        <h1>Settings</h1>
      </div>
      <RateSettings {...props} />
      <ReminderSettings {...props.reminders} />
      <section aria-labelledby="provisioning-heading">
        <h2 id="provisioning-heading">Provisioning</h2>
        <p>
          Invite people when they are assigned to MileIQ in Microsoft Entra ID, and archive them when they are unassigned:{" "}
          <a href="/settings/provisioning">set up provisioning (SCIM)</a>.
        </p>
      </section>
    </>
  );
}

export function RateSettings(props: SettingsView) {
  return (
    <section id="rate-settings" aria-labelledby="rate-heading">
      <h2 id="rate-heading">Mileage rate</h2>
      {props.flash && (
        <div class="flash" role="status">
          {props.flash}
        </div>
      )}
      <p class="rate-in-force">
        {props.rateInForce !== null ? (
          <>
            Rate in force for {props.year}: <strong>{formatRate(props.rateInForce)}</strong> per mile
          </>
        ) : (
          <>No rate is set for {props.year} yet. Set one below before inviting people.</>
        )}
      </p>
      <p>
        Your members are reimbursed at this rate in MileIQ, and it appears in their invitation emails and on the join page.
        <strong> Members cannot change it.</strong> A change applies to <strong>all drives of {props.year}</strong>, including drives already logged.
      </p>
      <RateForm {...props.form} />
      <RateHistory entries={props.history} />
    </section>
  );
}

export function RateForm(props: { values: RateFormValues; errors: RateErrors }) {
  const { values, errors } = props;
  return (
    <SwapForm id="rate-form" action="/settings/rate" target="#rate-settings" novalidate hx-disable="find button">
      <div class="grid">
        <div>
          <label for="rate">New rate (dollars per mile)</label>
          <input
            id="rate"
            name="rate"
            type="text"
            inputmode="decimal"
            autocomplete="off"
            value={values.rate}
            placeholder="0.725"
            aria-invalid={errors.rate ? "true" : undefined}
            aria-describedby={errors.rate ? "rate-error rate-hint" : "rate-hint"}
            autofocus={errors.rate ? true : undefined}
          />
          {errors.rate && (
            <small id="rate-error" class="field-error">
              {errors.rate}
            </small>
          )}
          <small id="rate-hint">Up to three decimal places, for example 0.725; at most $5 per mile.</small>
        </div>
        <div>
          <label for="rate-year">Year</label>
          <input
            id="rate-year"
            name="year"
            type="text"
            inputmode="numeric"
            autocomplete="off"
            value={values.year}
            maxlength={8}
            aria-invalid={errors.year ? "true" : undefined}
            aria-describedby={errors.year ? "rate-year-error" : undefined}
            autofocus={errors.year && !errors.rate ? true : undefined}
          />
          {errors.year && (
            <small id="rate-year-error" class="field-error">
              {errors.year}
            </small>
          )}
        </div>
      </div>
      <button type="submit">Save rate</button>
    </SwapForm>
  );
}

export function RateHistory(props: { entries: RateHistoryEntry[] }) {
  return (
    <section aria-labelledby="rate-history-heading">
      <h3 id="rate-history-heading">History of changes</h3>
      {props.entries.length === 0 ? (
        <EmptyList>The rate has not been changed yet.</EmptyList>
      ) : (
        <DataTable class="rate-history" columns={["When", "Year", "Changed by", "Change"]}>
          <tbody>
            {props.entries.map((entry) => (
              <tr>
                <td>
                  <TimeAgo date={entry.createdAt} />
                </td>
                <td>{entry.year}</td>
                <td>{entry.setByName || <span class="muted">Unknown</span>}</td>
                <td>
                  {entry.previousRateMilli !== null ? (
                    <>
                      {formatRate(entry.previousRateMilli)} → <strong>{formatRate(entry.rateMilli)}</strong>
                    </>
                  ) : (
                    <>
                      Set to <strong>{formatRate(entry.rateMilli)}</strong>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
