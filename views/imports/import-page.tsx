// The import page and its ImportStatus widget. The widget polls itself (every 1 s) while the job
// runs and renders without the trigger once it is done, so the poll stops. It is not a live
// region (a new "Checking rows… N of M" every second would be read out): the page's one status
// element says when the check starts and finishes (importStatusText). Without JavaScript the page
// refreshes itself while running, and while the invitation emails go (MailProgress, above the
// widget: the emails of Send Invite).
import { raw } from "hono/html";
import type { ImportView } from "../../src/domain/imports.js";
import { isRunning } from "../../src/domain/imports.js";
import { describeDetection } from "../../src/domain/upload-read.js";
import { formatNumber, plural, TimeAgo } from "../components/format.js";
import { ImportProblems, type ImportProblemsView } from "./import-problems.js";
import { MailProgress, type MailProgressView } from "./mail-progress.js";
import { CloseOrBack } from "../components/close-or-back.js";
import { SwapForm } from "../components/swap-form.js";
import { BackToUsers } from "../components/dialog-or-page.js";

const n = formatNumber;

export function ImportPage(props: {
  view: ImportView;
  problems: ImportProblemsView["groups"];
  notice?: string | undefined;
  flash?: ImportProblemsView["flash"];
  /** Its invitation emails (after Send Invite): the page refreshes without JavaScript while they go. */
  mail?: MailProgressView | null;
}) {
  const { view } = props;
  const going = isRunning(view.status) || props.mail?.progress.going === true;
  return (
    <div class="import-page">
      {/* raw: hono/jsx hoists a <meta> element into <head>, out of the <noscript>, and the page
          would then reload every 2 s with JavaScript on too. A constant, never user text. */}
      {/* The import's own address: this page also answers a POST (Send Invite refused), whose
          address a plain refresh would ask for with GET. The id is ours (a UUID), not user text. */}
      {going && <noscript>{raw(`<meta http-equiv="refresh" content="2; url=/imports/${view.id}">`)}</noscript>}
      <BackToUsers />
      <h1>
        Bulk upload: <span class="file-name">{view.fileName}</span>
      </h1>
      <p class="muted">
        Uploaded <TimeAgo date={view.createdAt} />
        {view.detected && <> · Read as {describeDetection(view.detected)}</>}
      </p>
      <MailProgress view={props.mail ?? null} />
      <ImportPanel view={view} notice={props.notice} problems={props.problems} flash={props.flash} />
    </div>
  );
}

/** The widget and the problem rows once checked: what the upload dialog shows after Upload.
 *  Focus comes to its heading after Upload (static/app.js); `page`: the heading is the page's h1
 *  (Upload on /imports/new), `inDialog`: Done closes the dialog. */
export function ImportPanel(props: {
  view: ImportView;
  notice?: string | undefined;
  problems?: ImportProblemsView["groups"];
  flash?: ImportProblemsView["flash"];
  page?: boolean;
  inDialog?: boolean;
}) {
  const title = <>Progress of {props.view.fileName}</>;
  return (
    <section id="bulk-upload" class="import-panel" aria-labelledby="import-panel-title">
      {props.page ? (
        <h1 id="import-panel-title" class="import-panel-title" tabindex={-1} data-focus-after-swap>
          {title}
        </h1>
      ) : (
        <h2 id="import-panel-title" class="import-panel-title" tabindex={-1} data-focus-after-swap>
          {title}
        </h2>
      )}
      <ImportStatus view={props.view} notice={props.notice} inDialog={props.inDialog} />
      <ImportProblems importId={props.view.id} groups={props.problems ?? null} flash={props.flash} />
    </section>
  );
}

/** What the page's status says when an answer brings this state: the check started or finished, invitations sent. */
export function importStatusText(view: ImportView): string {
  if (view.status === "queued" || view.status === "validating") return "Checking rows started.";
  if (view.status === "sending") return "Inviting people started.";
  if (view.status === "sent") return `People invited: ${plural(view.sentCount, "person", "people")}.`;
  if (view.status === "failed") return `The import stopped. ${view.failureMessage ?? ""}`.trim();
  return `Check finished: ${n(view.readyCount)} ready, ${n(view.skippedCount)} skipped, ${n(view.errorCount)} with errors.`;
}

/** `inDialog`: shown in the Users page's upload dialog, where Done closes it (a button). */
export function ImportStatus(props: { view: ImportView; notice?: string | undefined; inDialog?: boolean | undefined }) {
  const { view } = props;
  const id = `import-status-${view.id}`;
  const polling = isRunning(view.status)
    ? { "hx-get": `/imports/${view.id}/status`, "hx-trigger": "every 1s", "hx-swap": "outerHTML", "aria-busy": "true" }
    : {};
  return (
    <div id={id} class={`import-status import-${view.status}`} {...polling}>
      {props.notice && <p class="flash">{props.notice}</p>}
      <StatusBody view={view} inDialog={props.inDialog} />
    </div>
  );
}

function StatusBody(props: { view: ImportView; inDialog?: boolean | undefined }) {
  const { view } = props;
  if (view.status === "queued" || view.status === "validating") {
    return (
      <>
        <p class="import-state" tabindex={-1} data-focus-after-swap>
          <strong>Checking rows…</strong> {n(view.processed)} of {plural(view.total, "row", "rows")}
        </p>
        <progress value={view.processed} max={Math.max(1, view.total)} aria-label="Rows checked">
          {percent(view.processed, view.total)}
        </progress>
      </>
    );
  }
  if (view.status === "failed") {
    return (
      <>
        <p class="import-state problem-box" tabindex={-1} data-focus-after-swap>
          <strong>This import stopped.</strong> {view.failureMessage}
        </p>
        <div class="import-actions">
          <CloseOrBack page={!props.inDialog} label="Done" />
        </div>
      </>
    );
  }
  if (view.status === "sending") {
    const at = view.sendPosition?.at ?? 0;
    const last = Math.max(1, view.sendPosition?.last ?? 1);
    return (
      <>
        <p class="import-state" tabindex={-1} data-focus-after-swap>
          <strong>Inviting people…</strong> {plural(view.sentCount, "person", "people")} invited so far
        </p>
        <progress value={at} max={last} aria-label="People invited">
          {percent(at, last)}
        </progress>
        <Summary view={view} />
      </>
    );
  }
  return (
    <>
      <p class="import-state" tabindex={-1} data-focus-after-swap>
        {view.status === "sent" ? (
          <>
            <strong>People invited.</strong> {plural(view.sentCount, "person was", "people were")} invited from {plural(view.total, "row", "rows")}.
          </>
        ) : (
          <strong>Checked {plural(view.total, "row", "rows")}.</strong>
        )}
      </p>
      <Summary view={view} />
      <Actions view={view} inDialog={props.inDialog} />
    </>
  );
}

/** Each row is counted once: invited, still ready to invite, skipped or an error. */
function Summary(props: { view: ImportView }) {
  const { view } = props;
  const invited = view.sentCount > 0 || view.sendRequested || view.suggestionsRequested;
  return (
    <ul class="import-summary">
      {invited && (
        <li class="summary-invited">
          <span class="count">{n(view.sentCount)}</span> invited
        </li>
      )}
      {(view.readyCount > 0 || !invited) && (
        <li class="summary-ready">
          <span class="count">{n(view.readyCount)}</span> ready to invite
        </li>
      )}
      <li class="summary-skipped">
        <span class="count">{n(view.skippedCount)}</span> skipped <small class="muted">(already invited, already members, duplicates)</small>
      </li>
      <li class="summary-errors">
        <span class="count">{n(view.errorCount)}</span> with errors
      </li>
    </ul>
  );
}

function Actions(props: { view: ImportView; inDialog?: boolean | undefined }) {
  const { view } = props;
  const target = `#import-status-${view.id}`;
  const unsent = view.status === "ready" && !view.sendRequested && view.readyCount > 0;
  const problems = view.skippedCount + view.errorCount;
  // Nothing left to do here: Done closes the upload dialog (or, as a page, goes to Users).
  const finished = view.status === "sent" || (view.status === "ready" && !unsent);
  return (
    <div class="import-actions">
      {finished && <CloseOrBack page={!props.inDialog} label="Done" />}
      {unsent && (
        <SwapForm action={`/imports/${view.id}/send`} target={target} hx-disable="find button" class="inline">
          <button type="submit">Send Invite</button>
        </SwapForm>
      )}
      {view.status === "ready" && view.readyCount === 0 && view.sentCount === 0 && <p class="muted">No one in this file is ready to invite.</p>}
      {problems > 0 && (
        <a href={`/imports/${view.id}/errors.csv`} class="button-link secondary" download>
          Download error log
        </a>
      )}
      {view.suggestionCount > 0 && !view.suggestionsRequested && (
        <a href={`/imports/${view.id}/suggestions`}>Review {plural(view.suggestionCount, "suggested address", "suggested addresses")}</a>
      )}
    </div>
  );
}

function percent(done: number, total: number): string {
  return `${total > 0 ? Math.floor((done / total) * 100) : 0}%`;
}
