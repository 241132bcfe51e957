// The rows of an upload that will not be invited, grouped by problem, on the import page and in
// the upload dialog under the progress widget. Empty while the check runs; the status poll that
// finds it done brings the table along (an htmx partial for #import-problems), so it shows without
// a reload. A possible typo names the person it was resolved to and offers "Use this address".
import type { ProblemGroup } from "../../src/domain/import-problems.js";
import { Address } from "../components/address.js";
import { formatNumber } from "../components/format.js";
import { DataTable } from "../components/table.js";
import { SwapForm } from "../components/swap-form.js";

export const PROBLEMS_PER_GROUP = 20;

export type ImportProblemsView = { importId: string; groups: ProblemGroup[] | null; flash?: { text: string; problem?: boolean } | undefined };

export function ImportProblems(props: ImportProblemsView) {
  const { importId, groups } = props;
  if (!groups || (groups.length === 0 && !props.flash)) return <section id="import-problems" class="import-problems" hidden></section>;
  return (
    <section id="import-problems" class="import-problems" aria-labelledby="import-problems-title">
      <h2 id="import-problems-title">Rows that will not be invited</h2>
      {props.flash && (
        <div class={props.flash.problem ? "flash error" : "flash"} role={props.flash.problem ? "alert" : "status"}>
          {props.flash.text}
        </div>
      )}
      {groups.map((group) => (
        <section class="problem-group" aria-labelledby={`problem-${group.code}`}>
          <h3 id={`problem-${group.code}`}>
            {group.label} <span class="count muted">({formatNumber(group.count)})</span>
          </h3>
          <DataTable columns={group.code === "possible_typo" ? ["Row", "As uploaded", "Detail", "Suggestion"] : ["Row", "As uploaded", "Detail"]}>
            <tbody>
              {group.rows.map((row) => (
                <tr>
                  <td class="num">{formatNumber(row.rowNumber)}</td>
                  <td class="email">{row.value === "" ? <span class="muted">(empty)</span> : <Address value={row.value} />}</td>
                  <td>{row.message}</td>
                  {group.code === "possible_typo" && (
                    <td class="suggestion">
                      {row.suggestion && <UseAddress importId={importId} row={row.rowNumber} suggestion={row.suggestion} usable={row.usable} />}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </DataTable>
          {group.count > group.rows.length && (
            <p class="muted">
              The first {formatNumber(group.rows.length)} of {formatNumber(group.count)} are shown; the error log lists them all.
            </p>
          )}
        </section>
      ))}
      <p class="muted">The error log lists every row that was not invited, with the reason.</p>
    </section>
  );
}

function UseAddress(props: { importId: string; row: number; suggestion: string; usable: boolean }) {
  const action = `/imports/${props.importId}/use-address`;
  return (
    <>
      <span class="email">
        <Address value={props.suggestion} />
      </span>
      {props.usable && (
        <SwapForm action={action} target="#import-problems" hx-disable="find button" class="inline">
          <input type="hidden" name="row" value={String(props.row)} />
          <button type="submit" class="secondary outline small" aria-label={`Use this address for row ${props.row}: ${props.suggestion}`}>
            Use this address
          </button>
        </SwapForm>
      )}
    </>
  );
}
