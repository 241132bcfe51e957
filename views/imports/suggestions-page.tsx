// Use suggestions: the confirmation step. Lists the possible typos with the address we would
// invite instead; the admin confirms with one POST (or goes back).
import type { ImportView, ProblemRow } from "../../src/domain/imports.js";
import { formatNumber } from "../components/format.js";

export function SuggestionsPage(props: { view: ImportView; rows: ProblemRow[] }) {
  const { view, rows } = props;
  const count = view.suggestionCount;
  return (
    <div class="import-suggestions">
      <p><a href={`/imports/${view.id}`}>← Back to the import</a></p>
      <h1>Use suggested addresses</h1>
      <p>
        {formatNumber(count)} {count === 1 ? "row" : "rows"} of <span class="file-name">{view.fileName}</span> look like
        typos of an address in your directory. Invite {count === 1 ? "that person" : "those people"} at the suggested address?
      </p>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Row</th><th scope="col">As uploaded</th><th scope="col">Will invite</th></tr></thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <td class="num">{formatNumber(row.rowNumber)}</td>
                <td class="email">{row.value}</td>
                <td class="email">{row.suggestion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length < count && <p class="muted">The first {formatNumber(rows.length)} are shown; the error log lists them all.</p>}
      <form method="post" action={`/imports/${view.id}/use-suggestions`} class="dialog-actions">
        <button type="submit">Invite {formatNumber(count)} at the suggested {count === 1 ? "address" : "addresses"}</button>
        <a href={`/imports/${view.id}`} role="button" class="secondary">Cancel</a>
      </form>
    </div>
  );
}
