// Use suggestions: the confirmation step. Lists the possible typos with the person each one would
// invite instead (name and address), so the admin sees who it is before anything is sent, and
// says who would not be invited after all; the admin confirms with one POST (or goes back).
import type { ImportView } from "../../src/domain/imports.js";
import type { SuggestedPerson } from "../../src/domain/import-suggestion-review.js";
import { Address } from "../components/address.js";
import { formatNumber, plural } from "../components/format.js";
import { DataTable } from "../components/table.js";

export function SuggestionsPage(props: { view: ImportView; rows: SuggestedPerson[]; toInvite: number }) {
  const { view, rows, toInvite } = props;
  const count = view.suggestionCount;
  return (
    <div class="import-suggestions">
      <p>
        <a href={`/imports/${view.id}`}>← Back to the import</a>
      </p>
      <h1>Use suggested addresses</h1>
      <p>
        {plural(count, "row", "rows")} of <span class="file-name">{view.fileName}</span> {count === 1 ? "looks like a typo" : "look like typos"} of someone in
        your directory. Check who each one is before you invite {count === 1 ? "them" : "these people"}.
      </p>
      <DataTable columns={["Row", "As uploaded", "Will invite"]}>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td class="num">{formatNumber(row.rowNumber)}</td>
              <td class="email">
                <Address value={row.value} />
              </td>
              <td>
                {row.name ? (
                  <>
                    <strong class="person-name">{row.name}</strong>{" "}
                    <span class="email">
                      <Address value={row.suggestion} />
                    </span>
                  </>
                ) : (
                  <span class="email">
                    <Address value={row.suggestion} />
                  </span>
                )}
                {row.notInvited && (
                  <>
                    {" "}
                    <small class="muted">Not invited: {row.notInvited}</small>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
      {rows.length < count && <p class="muted">The first {formatNumber(rows.length)} are shown; the error log lists them all.</p>}
      {toInvite > 0 ? (
        <form method="post" action={`/imports/${view.id}/use-suggestions`} class="dialog-actions">
          <button type="submit">
            Invite {plural(toInvite, "person", "people")} at the suggested {toInvite === 1 ? "address" : "addresses"}
          </button>
          <a href={`/imports/${view.id}`} class="button-link secondary">
            Cancel
          </a>
        </form>
      ) : (
        <p class="dialog-actions">
          Everyone suggested is already invited or a member, or can no longer be invited. <a href={`/imports/${view.id}`}>Back to the import</a>
        </p>
      )}
    </div>
  );
}
