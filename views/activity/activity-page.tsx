// The activity log: filters (GET form: bookmarkable, works without JS; htmx swaps the results
// and pushes the URL), the table of admin actions newest first, keyset pages, CSV download.
import type { ActivityEvent, ActivityEvents, ActivityPerson } from "../../src/domain/activity.js";
import { TimeAgo } from "../components/format.js";
import { DataTable, EmptyList } from "../components/table.js";
import { actionLabels, affectedPerson, describeActivity } from "./activity-sentence.js";
import { SwapForm } from "../components/swap-form.js";

export type ActivityView = {
  action: string | undefined;
  actor: ActivityPerson | undefined;
  before: string | undefined;
  page: ActivityEvents;
  actions: string[];
  actors: ActivityPerson[];
};

export function activityHref(
  path: "/activity" | "/activity.csv",
  params: { action?: string | undefined; actor?: string | undefined; before?: string | undefined },
): string {
  const search = new URLSearchParams();
  if (params.action) search.set("action", params.action);
  if (params.actor) search.set("actor", params.actor);
  if (params.before) search.set("before", params.before);
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}

export function ActivityPage(props: ActivityView) {
  return (
    <>
      <div class="page-head">
        <h1>Activity</h1>
      </div>
      <p class="muted">Every action taken in the admin center: invitations, archives, bulk uploads, rate changes and directory syncs.</p>
      <ActivityFilters {...props} />
      <ActivityResults {...props} />
    </>
  );
}

export function ActivityFilters(props: ActivityView) {
  // Codes the log holds but the list does not name still appear, by their code.
  const codes = [...new Set([...Object.keys(actionLabels), ...props.actions, ...(props.action ? [props.action] : [])])];
  const people = props.actor && !props.actors.some((p) => p.id === props.actor!.id) ? [props.actor, ...props.actors] : props.actors;
  return (
    <SwapForm
      method="get"
      action="/activity"
      target="#activity-results"
      class="activity-filter"
      aria-label="Filter the activity"
      hx-trigger="change, submit"
      hx-push-url="true"
    >
      <label>
        Action
        <select name="action">
          <option value="">All actions</option>
          {codes.map((code) => (
            <option value={code} selected={code === props.action}>
              {actionLabels[code] ?? code}
            </option>
          ))}
        </select>
      </label>
      <label>
        Person
        <select name="actor">
          <option value="">Everyone</option>
          {people.map((p) => (
            <option value={p.id} selected={p.id === props.actor?.id}>
              {p.name || p.email || p.id}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        Filter
      </button>
    </SwapForm>
  );
}

/** What the page's status says after the filters change: "12 actions shown." */
export function activityStatusText(view: ActivityView): string {
  const n = view.page.events.length;
  return n === 0 ? "No activity matches these filters." : `${n}${view.page.next ? "+" : ""} ${n === 1 ? "action" : "actions"} shown.`;
}

export function ActivityResults(props: ActivityView) {
  const { events, next } = props.page;
  const filters = { action: props.action, actor: props.actor?.id };
  return (
    <section id="activity-results">
      <div class="page-head results-head">
        <p class="muted">
          {props.action || props.actor ? (
            <>
              Showing {props.action ? <strong>{actionLabels[props.action] ?? props.action}</strong> : "all actions"}
              {props.actor && (
                <>
                  {" "}
                  by <strong>{props.actor.name || props.actor.email}</strong>
                </>
              )}
              . <a href="/activity">Show everything</a>
            </>
          ) : (
            "Showing all actions, newest first."
          )}
        </p>
        <a class="button-link secondary small" href={activityHref("/activity.csv", filters)} download>
          Download CSV
        </a>
      </div>
      {events.length === 0 ? (
        <EmptyList>
          {props.action || props.actor || props.before
            ? "No activity matches these filters."
            : "Nothing has happened yet. Actions appear here as admins invite people, change the rate or upload files."}
        </EmptyList>
      ) : (
        <DataTable class="activity" columns={["When", "Who", "What", "Affected person"]}>
          <tbody>
            {events.map((event) => (
              <ActivityItem event={event} filters={filters} />
            ))}
          </tbody>
        </DataTable>
      )}
      {(props.before || next) && (
        <nav class="pager" aria-label="Pages">
          {props.before && <a href={activityHref("/activity", filters)}>← Newest</a>}
          {next && (
            <a href={activityHref("/activity", { ...filters, before: next })} rel="next">
              Older →
            </a>
          )}
        </nav>
      )}
    </section>
  );
}

function ActivityItem(props: { event: ActivityEvent; filters: { action?: string | undefined } }) {
  const { event } = props;
  const affected = affectedPerson(event);
  return (
    <tr>
      <td>
        <TimeAgo date={event.createdAt} />
      </td>
      <td>
        {event.actorId ? (
          <a href={activityHref("/activity", { action: props.filters.action, actor: event.actorId })} title="Show only this person's actions">
            {event.actorName || event.actorEmail || "Unknown person"}
          </a>
        ) : event.actorLabel ? (
          <span>{event.actorLabel}</span>
        ) : (
          <span class="muted">System</span>
        )}
      </td>
      <td>{describeActivity(event)}</td>
      <td>
        {affected ? (
          <>
            {affected.name && <span class="name">{affected.name}</span>}
            {affected.email && <small class="muted block">{affected.email}</small>}
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
    </tr>
  );
}
