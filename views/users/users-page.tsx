// The Users page: status filter with counts, search that narrows as you type, keyset pages.
// The search answers with UserResults, the same fragment the page includes.
import type { Child } from "hono/jsx";
import type { MemberStatus } from "../../src/db/schema.js";
import type { MemberCounts } from "../../src/domain/member-counts.js";
import type { MemberPage } from "../../src/domain/members.js";
import { formatNumber } from "../components/format.js";
import { userRowsMarkup, userTableHead } from "./user-row.js";
import { EMPTY_HTML, markup } from "../components/safe-html.js";
import { raw } from "hono/html";

export type UsersView = {
  status: MemberStatus | undefined;
  q: string;
  after?: string;
  counts: MemberCounts;
  page: MemberPage;
  /** Sections other features add below the toolbar (recent imports, directory sync). */
  sections?: Child;
  /** Actions on the whole list shown (the Invited view's Remind everyone). */
  listActions?: Child;
  /** A message shown after an action (e.g. "3 people invited"). */
  flash?: Child;
  /** Which page of the list this is (1 without `after`): for the title only. */
  pageNumber?: number;
};

const filters: { status: MemberStatus | undefined; label: string }[] = [
  { status: undefined, label: "All" },
  { status: "invited", label: "Invited" },
  { status: "active", label: "Active" },
  { status: "archived", label: "Archived" },
];

/** Which list the admin is looking at: status filter, search and page. */
export type UserList = { status?: MemberStatus | undefined; q?: string; after?: string | undefined };

/** The list as a query string ("status=invited&q=garcia&after=…"): the `list` field of the row forms. */
export function listQuery(list: UserList): string {
  const search = new URLSearchParams();
  if (list.status) search.set("status", list.status);
  if (list.q) search.set("q", list.q);
  if (list.after) search.set("after", list.after);
  return search.toString();
}

/** The title of the view: "Search: garcia · Invited · Page 2 · Users". */
export function usersTitle(view: { status: MemberStatus | undefined; q: string; pageNumber?: number | undefined }): string {
  const status = filters.find((f) => f.status === view.status && f.status)?.label;
  return [view.q && `Search: ${view.q}`, status, (view.pageNumber ?? 1) > 1 && `Page ${view.pageNumber}`, "Users"].filter(Boolean).join(" · ");
}

/** What the page's status says after a search: "12 people found." */
export function foundText(view: { status: MemberStatus | undefined; counts: MemberCounts }): string {
  const key = view.status ?? "all";
  const n = view.counts[key];
  const more = view.counts.atLeast?.[key] ? "+" : "";
  return n === 0 ? "No one found." : `${formatNumber(n)}${more} ${n === 1 && !more ? "person" : "people"} found.`;
}

/** A link to a list; `done` ("archived:3", our own words and digits) says what a plain form post did (describeDone). */
export function usersHref(params: UserList & { done?: string }): string {
  const s = [listQuery(params), params.done ? `done=${params.done}` : ""].filter(Boolean).join("&");
  return s ? `/users?${s}` : "/users";
}

// Arrows and quotes as entities: the page stays in Latin-1, which V8 keeps one byte a character (see
// NO_TIME in components/format.tsx; test/routes/users-page-latin1.test.ts fails on any other character).
const larr = raw("&larr;");
const rarr = raw("&rarr;");
const ldquo = raw("&ldquo;");
const rdquo = raw("&rdquo;");

// The parts that never change, rendered once at start-up rather than on every view.
const pageHead = raw(
  String(
    <div class="page-head">
      <h1>Users</h1>
      <div class="actions">
        <a role="button" href="/users/invite" data-dialog="invite-dialog">
          Invite User
        </a>
        <a role="button" class="secondary" href="/imports/new" data-dialog="import-dialog">
          Bulk upload users
        </a>
      </div>
    </div>,
  ),
);

// No form holds the table: the checkboxes and Archive selected belong to #user-table-form, the
// row buttons to #user-row-form (with their own formaction), both by `form=`. Each form carries
// the list, so a plain post comes back to the same filter, search and page.
const listForms = (list: string) => {
  const field = list ? markup`<input type="hidden" name="list" value="${list}"/>` : EMPTY_HTML;
  return markup`<form method="post" action="/users/archive" id="user-table-form">${field}</form><form method="post" action="/users" id="user-row-form">${field}</form>`;
};

const tableStart = String(
  <>
    <BulkArchiveBar />
    {raw(`<div class="table-wrap"><table class="users">`)}
    {raw(userTableHead.value)}
    {raw(`<tbody id="user-rows">`)}
  </>,
);
const tableEnd = `</tbody></table></div>`;

export function UsersPage(props: UsersView) {
  return (
    <>
      {pageHead}
      {props.flash && (
        <div class="flash" role="status">
          {props.flash}
        </div>
      )}
      {props.sections}
      <StatusFilter status={props.status} q={props.q} counts={props.counts} />
      <form method="get" action="/users" class="search" role="search">
        {props.status && <input type="hidden" name="status" value={props.status} />}
        <label for="user-search" class="visually-hidden">
          Search by name or email
        </label>
        <input
          id="user-search"
          type="search"
          name="q"
          value={props.q}
          placeholder="Search by name or email"
          maxlength={200}
          autocomplete="off"
          hx-get="/users"
          hx-trigger="input changed delay:250ms, search"
          hx-target="#user-results"
          hx-swap="outerHTML"
          hx-include="closest form"
          hx-push-url="true"
        />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      {props.listActions}
      <UserResults {...props} />
    </>
  );
}

export function StatusFilter(props: { status: MemberStatus | undefined; q: string; counts: MemberCounts }) {
  return (
    <nav id="status-filter" class="status-filter" aria-label="Filter by status">
      <ul>
        {filters.map((f) => (
          <li>
            <a href={usersHref({ status: f.status, q: props.q })} aria-current={f.status === props.status ? "page" : undefined}>
              {f.label}{" "}
              <span class="count">
                {formatNumber(props.counts[f.status ?? "all"])}
                {props.counts.atLeast?.[f.status ?? "all"] ? "+" : ""}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {props.q && (
        <p class="muted filter-note">
          Counts of the people matching {ldquo}
          {props.q}
          {rdquo}.
        </p>
      )}
    </nav>
  );
}

export function UserResults(props: UsersView) {
  const { rows, next } = props.page;
  const list = listQuery(props);
  return (
    <section id="user-results">
      {rows.length === 0 ? <EmptyState {...props} /> : raw(listForms(list).value + tableStart + userRowsMarkup(rows, list).value + tableEnd)}
      {rows.length > 0 && (
        <p class="list-tools">
          <a href={csvHref(props)} download>
            Download CSV
          </a>
        </p>
      )}
      {(props.after || next) && (
        <nav class="pager" aria-label="Pages">
          {props.after && <a href={usersHref({ status: props.status, q: props.q })}>{larr} First page</a>}
          {next && (
            <a href={`${usersHref({ status: props.status, q: props.q, after: next })}&page=${(props.pageNumber ?? 1) + 1}`} rel="next">
              Next page {rarr}
            </a>
          )}
        </nav>
      )}
    </section>
  );
}

/** The roster export of the list shown: its status filter and search, every page. */
const csvHref = (list: UserList) => {
  const query = listQuery({ status: list.status, q: list.q ?? "" });
  return query ? `/users.csv?${query}` : "/users.csv";
};

function EmptyState(props: UsersView) {
  if (props.q) {
    return (
      <div class="empty">
        <p>
          No one {props.status ? `${props.status} ` : ""}matches {ldquo}
          {props.q}
          {rdquo}.
        </p>
        <p>
          Search looks at the start of each word of a name, and at the start of an email address.{" "}
          <a href={usersHref({ status: props.status })}>Clear the search</a>.
        </p>
      </div>
    );
  }
  const text: Record<string, string> = {
    all: "No one has been invited yet. Invite people one at a time with Invite User, or many at once with Bulk upload users.",
    invited: "No pending invitations. Everyone you invited has joined, or you have not invited anyone yet.",
    active: "No one has joined yet. People appear here once they accept their invitation.",
    archived: "No archived users.",
  };
  return (
    <div class="empty">
      <p>{text[props.status ?? "all"]}</p>
    </div>
  );
}

/** Archive the selected rows: the button posts the Users table's form (checkboxes name=id). */
function BulkArchiveBar() {
  return (
    <div class="bulk-bar">
      <button
        type="submit"
        form="user-table-form"
        class="secondary outline"
        id="bulk-archive"
        name="confirm"
        value="no"
        hx-post="/users/archive"
        hx-swap="none"
        hx-vals='{"confirm":"yes"}'
        hx-confirm="Archive the selected users?"
        data-bulk-archive
      >
        Archive selected
      </button>
    </div>
  );
}
