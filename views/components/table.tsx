// A table of records: the wrapper that lets it scroll sideways on a narrow screen instead of the
// page, and a head that names each column (scope="col"). The body is the caller's.
import type { Child } from "hono/jsx";

export function DataTable(props: { class?: string; columns: Child[]; children: Child }) {
  return (
    <div class="table-wrap">
      <table class={props.class}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        {props.children}
      </table>
    </div>
  );
}

/** What a list shows instead of its table when it has no rows. */
export function EmptyList(props: { children: Child }) {
  return (
    <div class="empty">
      <p>{props.children}</p>
    </div>
  );
}
