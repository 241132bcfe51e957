// One member's row on the Users page, its cells drawn from the column list (user-columns.ts). Each
// action is a plain form post (303 back to the same list) that htmx turns into an in-place update
// of the row, the status counts and a short message (user-row-actions.tsx). No form inside the
// table (the parser drops a nested form): the buttons submit #user-row-form, outside the table,
// with `form=` and `formaction=`.
//
// A page draws 50 rows: they are `markup` templates joined as one string, not JSX (several
// times cheaper for the same markup); the tag escapes every value.
import { raw } from "hono/html";
import type { MemberRow } from "../../src/domain/members.js";
import { addressMarkup } from "../components/address.js";
import { EMPTY_HTML, markup, trustedHtml, type SafeHtml } from "../components/safe-html.js";
import { userColumns, type RowContext } from "./user-columns.js";

const cellStarts = userColumns.map((column) => (column.cellClass ? markup`<td class="${column.cellClass}">` : markup`<td>`).value);

/** The table's head row, from the same columns. */
export const userTableHead: SafeHtml = markup`<thead><tr>${userColumns.reduce(
  (cells, column) => markup`${cells}<th scope="col"${column.headClass ? markup` class="${column.headClass}"` : EMPTY_HTML}>${column.head}</th>`,
  EMPTY_HTML,
)}</tr></thead>`;

/** `list`: the list's query string (listQuery), carried to the Archive confirmation. */
export function UserRow(props: { row: MemberRow; list?: string }) {
  return raw(userRowMarkup(props.row, archiveQueryOf(props.list ?? "")));
}

/** A page of rows as one piece of markup. */
export function userRowsMarkup(rows: MemberRow[], list = ""): SafeHtml {
  const archiveQuery = archiveQueryOf(list);
  let out = "";
  for (const row of rows) out += userRowMarkup(row, archiveQuery);
  return trustedHtml(out); // rows of SafeHtml pieces only
}

const archiveQueryOf = (list: string) => (list ? markup`?list=${encodeURIComponent(list)}` : EMPTY_HTML);

/** The row's markup: our tags around cells that are SafeHtml. */
function userRowMarkup(row: MemberRow, archiveQuery: SafeHtml): string {
  const label = row.name && row.name !== row.email ? markup`${row.name}, ${row.email}` : markup`${row.email}`;
  const context: RowContext = { id: markup`${row.id}`, who: markup`${row.name || row.email}`, address: addressMarkup(row.email), label, archiveQuery };
  let out = `<tr id="member-${context.id.value}">`;
  for (let i = 0; i < userColumns.length; i++) out += cellStarts[i] + userColumns[i]!.cell(row, context).value + "</td>";
  return out + "</tr>";
}
