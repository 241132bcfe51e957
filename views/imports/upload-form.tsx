// Bulk upload users: the dialog's content (the Users page opens it in a native <dialog>) and the
// same form as a full page without JavaScript. A plain multipart form: with htmx the response
// (the progress widget, or the form again with the problem) replaces the form in place.
import { CloseOrBack } from "../components/close-or-back.js";
import { SwapForm } from "../components/swap-form.js";
import { asOwnPage, DialogTitle } from "../components/dialog-or-page.js";

/** `page`: a page of its own (its heading is the h1, Cancel a link), not the Users page's dialog. */
export type UploadView = { problem?: string | undefined; maxMegabytes: number; maxRows: number; page?: boolean };

const n = (value: number) => new Intl.NumberFormat("en-US").format(value);

export const NewImportPage = asOwnPage("import-new-page", UploadForm);

export function UploadForm(props: UploadView) {
  return (
    <section id="bulk-upload" class="bulk-upload" aria-labelledby="bulk-upload-title">
      <DialogTitle page={props.page} id="bulk-upload-title">
        Bulk upload users
      </DialogTitle>
      <p>
        Upload a CSV file or an Excel workbook (.xlsx) with one email address per row in a column named <strong>email</strong>. Files exported from Excel, from
        Microsoft Entra ID ("Download users") or from your HR system work as they are: we find the column of addresses (in a workbook, on its first sheet).
      </p>
      <ul class="muted upload-rules">
        <li>Only people in your organization's directory can be invited; everyone else is listed in the error log.</li>
        <li>
          At most {n(props.maxMegabytes)} MB and {n(props.maxRows)} {props.maxRows === 1 ? "row" : "rows"} per file.
        </li>
        <li>
          Nobody is invited until you press <strong>Send Invite</strong> after the check.
        </li>
      </ul>
      <p>
        <a href="/imports/sample.csv" download>
          Download a sample CSV
        </a>
      </p>
      <SwapForm action="/imports" target="#bulk-upload" enctype="multipart/form-data" class="upload-form" hx-disable="find button">
        <label for="import-file">CSV or Excel file</label>
        <input
          id="import-file"
          name="file"
          type="file"
          accept=".csv,.txt,.tsv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          required
          aria-invalid={props.problem ? "true" : undefined}
          aria-describedby={props.problem ? "import-file-problem" : undefined}
        />
        {props.problem && (
          <p id="import-file-problem" class="field-error" role="alert" tabindex={-1} data-focus-after-swap>
            {props.problem}
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit">Upload</button>
          <CloseOrBack page={props.page} label="Cancel" />
          <span class="htmx-indicator muted" aria-hidden="true">
            Uploading…
          </span>
        </div>
      </SwapForm>
    </section>
  );
}
