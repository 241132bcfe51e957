// The Users table's columns, defined once: each with its header and its cell, in the order they
// are shown. The page's head row and every body row (the page, a search, a refreshed row) are
// drawn from this list, as `markup` templates: every value from the database is escaped by the
// tag. Adding a column: a field in src/domain/member-rows.ts (select, MemberRow, mapping), and an
// entry here.
import type { MemberRow } from "../../src/domain/members.js";
import { timeAgoMarkup } from "../components/format.js";
import { EMPTY_HTML, markup, trustedHtml, type SafeHtml } from "../components/safe-html.js";
import { ProblemBadge, StatusBadge } from "../components/status-badge.js";

/** What a row's cells share, escaped once: the id, who it is, the address (with its break
 *  points), the Archive link's query, and the name its controls use ("Aaliyah Hall,
 *  aaliyah.hall2@…": two people may share a name). */
export type RowContext = { id: SafeHtml; who: SafeHtml; address: SafeHtml; label: SafeHtml; archiveQuery: SafeHtml };

export type UserColumn = {
  /** The header cell's content (`<th scope="col">`). */
  head: SafeHtml;
  headClass?: string;
  cellClass?: string;
  cell(row: MemberRow, context: RowContext): SafeHtml;
};

const hidden = (label: string) => markup`<span class="visually-hidden">${label}</span>`;

// Badges are our own constants, rendered once.
const statusBadges = {
  invited: trustedHtml(String(StatusBadge({ status: "invited" }))),
  active: trustedHtml(String(StatusBadge({ status: "active" }))),
  archived: trustedHtml(String(StatusBadge({ status: "archived" }))),
};
const leftBadge = trustedHtml(String(ProblemBadge({ label: "Left the directory" })));
const disabledBadge = trustedHtml(String(ProblemBadge({ label: "Account disabled" })));
const bouncedBadge = trustedHtml(String(ProblemBadge({ label: "Email bounced" })));

/** A bounced invitation email, and what the provider said (escaped: it quotes the receiving server). */
const bounceMarkup = (bounce: string | null): SafeHtml =>
  bounce === null ? EMPTY_HTML : markup`${bouncedBadge}${bounce ? markup`<small class="block bounce-reason">${bounce}</small>` : EMPTY_HTML}`;

const FOCUS = markup` data-focus-after-swap`;

function rowButton({ id }: RowContext, action: string, label: SafeHtml, text: string, focus: SafeHtml): SafeHtml {
  return markup`<button type="submit" form="user-row-form" formaction="/users/${id}/${action}" hx-post="/users/${id}/${action}" hx-target="#member-${id}" hx-swap="outerHTML" hx-disable="this" class="secondary outline" aria-label="${label}"${focus}>${text}</button>`;
}

/** Resend invitation (Invited), Archive (Invited or Active, after a confirmation), Invite again
 *  (Archived). The first is where focus goes when an action replaced the row (static/app.js). */
function rowActions(row: MemberRow, context: RowContext): SafeHtml {
  const { id, label: who, archiveQuery } = context;
  const resend = row.status === "invited";
  return markup`${resend ? rowButton(context, "resend", markup`Resend invitation to ${who}`, "Resend invitation", FOCUS) : EMPTY_HTML}${
    row.status !== "archived"
      ? markup`<a role="button" class="secondary outline archive-link" href="/users/${id}/archive${archiveQuery}" data-dialog="archive-dialog" aria-label="Archive ${who}"${resend ? EMPTY_HTML : FOCUS}>Archive</a>`
      : EMPTY_HTML
  }${
    row.status === "archived" && !row.leftDirectory && !row.accountDisabled
      ? rowButton(context, "reinvite", markup`Invite again: ${who}`, "Invite again", FOCUS)
      : EMPTY_HTML
  }`;
}

export const userColumns: readonly UserColumn[] = [
  {
    head: hidden("Select"),
    headClass: "select-col",
    cellClass: "select-col",
    cell: (row, { id, label }) =>
      row.status !== "archived" ? markup`<input type="checkbox" name="id" value="${id}" form="user-table-form" aria-label="Select ${label}"/>` : EMPTY_HTML,
  },
  {
    head: markup`Name`,
    cell: (row, { who, address }) =>
      markup`<span class="name">${who}</span><small class="muted block mobile-only email">${address}</small>${
        row.jobTitle ? markup`<small class="muted block">${row.jobTitle}</small>` : EMPTY_HTML
      }`,
  },
  { head: markup`Email`, cellClass: "email", cell: (_row, { address }) => address },
  {
    head: markup`Status`,
    cell: (row) =>
      markup`${statusBadges[row.status]}${row.leftDirectory ? leftBadge : row.accountDisabled ? disabledBadge : EMPTY_HTML}${bounceMarkup(row.bounce)}`,
  },
  { head: markup`Invited`, cell: (row) => timeAgoMarkup(row.invitedAt) },
  { head: markup`Joined`, cell: (row) => timeAgoMarkup(row.activatedAt) },
  { head: hidden("Actions"), cellClass: "row-actions", cell: rowActions },
];
