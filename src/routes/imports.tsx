// Bulk upload users: every upload (GET /imports), the upload dialog and sample, POST /imports
// (multipart field `file`), the import page and its self-polling status widget, Send Invite,
// Use suggestions, Use this address (one typo), the error log, and the mail progress of its
// invitation emails (GET /imports/:id/mail, the sentence's poll; ?on=users: as the Users page shows it).
// Every route is for admins only; an import of another organization is not found.
import type { Context } from "hono";
import { Hono } from "hono";
import { requireAdmin } from "../auth/guards.js";
import { rateLimit, RateLimiter } from "../auth/rate-limit.js";
import type { AppEnv, Deps } from "../context.js";
import { isOurId } from "../ids.js";
import { readErrorLog } from "../domain/error-log.js";
import { createImport, decodeImportsCursor, getImport, isRunning, listImports, requestImportSend, type ImportView } from "../domain/imports.js";
import { listProblemGroups, useSuggestedAddress, type ProblemGroup } from "../domain/import-problems.js";
import { buildImportSample } from "../domain/import-sample.js";
import { listSuggestedPeople } from "../domain/import-suggestion-review.js";
import { ERROR_LOG_HEADER, errorLogLine } from "../../views/imports/error-log-csv.js";
import { ImportPage, ImportPanel, ImportStatus, importStatusText } from "../../views/imports/import-page.js";
import { LiveStatusText } from "../../views/components/live-status.js";
import { currentListOf } from "./shared/user-list.js";
import { ImportsPage } from "../../views/imports/imports-page.js";
import { ImportProblems, PROBLEMS_PER_GROUP } from "../../views/imports/import-problems.js";
import { SuggestionsPage } from "../../views/imports/suggestions-page.js";
import { waitText } from "../../views/errors.js";
import { formatNumber } from "../../views/components/format.js";
import { NewImportPage, UploadForm, type UploadView } from "../../views/imports/upload-form.js";
import { csvDownload } from "./shared/csv-download.js";
import { isFragmentRequest, renderNotFound, renderPage, respond, respondAfterPost, renderRefusal } from "../../views/respond.js";
import { readUploadedFile } from "./shared/upload-body.js";
import { actorOf } from "./shared/actor.js";
import { usersListPartials } from "./shared/users-refresh.js";
import { mailProgressOf } from "./shared/mail-progress.js";
import { MailProgressAnswer, MailProgressText } from "../../views/imports/mail-progress.js";

/** An htmx request from the Users page: the upload dialog (Done and Cancel close it), not a page of its own. */
const inDialog = (c: Context<AppEnv>) => isFragmentRequest(c) && currentListOf(c).onUsersPage;

/** Room for the multipart envelope around the file itself. */
const MULTIPART_SLACK = 64 * 1024;
/** Imports this small list their problem rows on the page; bigger ones only in the error log. */
const INLINE_PROBLEMS_MAX_ROWS = 5000;

export function importRoutes(deps: Pick<Deps, "config">) {
  const { importMaxBytes, importMaxRows } = deps.config;
  const upload: UploadView = { maxMegabytes: Math.floor(importMaxBytes / 1024 / 1024), maxRows: importMaxRows };
  const refuse = (c: Context<AppEnv>, problem: string, status: 413 | 422 | 429 = 422) =>
    respond(c, {
      title: "Error: Bulk upload users",
      active: "users",
      status,
      page: () => <NewImportPage {...upload} problem={problem} />,
      fragment: () => <UploadForm {...upload} problem={problem} page={!inDialog(c)} />,
    });
  const tooLarge = `The file is larger than ${upload.maxMegabytes} MB. Split it into smaller files and upload them one at a time.`;

  /** The problem rows, grouped, once the check is done (small uploads only; big ones have the error log). */
  const problemsOf = async (c: Context<AppEnv>, view: ImportView): Promise<ProblemGroup[] | null> => {
    const done = view.status === "ready" || view.status === "sent";
    if (!done || view.total > INLINE_PROBLEMS_MAX_ROWS || view.skippedCount + view.errorCount === 0) return null;
    return listProblemGroups(c.get("deps").db, c.get("session")!.org.id, view.id, PROBLEMS_PER_GROUP);
  };

  /** The import named in the path, in the signed-in admin's organization, or null (answer 404). */
  const importOf = async (c: Context<AppEnv>): Promise<ImportView | null> => {
    const id = c.req.param("id") ?? "";
    return isOurId(id) ? getImport(c.get("deps").db, c.get("session")!.org.id, id) : null;
  };

  return new Hono<AppEnv>()
    .get("/", requireAdmin, async (c) => {
      const before = c.req.query("before") || undefined;
      if (before !== undefined && !decodeImportsCursor(before)) {
        return renderRefusal(c, 400, {
          title: "Bulk uploads",
          active: "users",
          heading: "That list cannot be shown",
          message: "This page link is not valid any more. Start again from the newest uploads.",
        });
      }
      const page = await listImports(c.get("deps").db, c.get("session")!.org.id, before);
      return renderPage(c, {
        title: "Bulk uploads",
        active: "users",
        body: <ImportsPage imports={page.imports} next={page.next} paged={before !== undefined} />,
      });
    })
    .get("/new", requireAdmin, (c) =>
      respond(c, {
        title: "Bulk upload users",
        active: "users",
        page: () => <NewImportPage {...upload} />,
        fragment: () => <UploadForm {...upload} page={!inDialog(c)} />,
      }),
    )
    .get("/sample.csv", requireAdmin, async (c) =>
      c.body(await buildImportSample(c.get("deps").db, c.get("session")!.org.id), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="bulk-upload-sample.csv"',
      }),
    )
    .post(
      "/",
      rateLimit("imports", new RateLimiter(20, 0.2), (wait) => (
        <UploadForm {...upload} problem={`You have uploaded many files in a short time. Wait ${waitText(wait)}, then upload again.`} />
      )),
      requireAdmin,
      async (c) => {
        const { db, config, wake } = c.get("deps");
        const body = await readUploadedFile(c.req.raw, "file", importMaxBytes + MULTIPART_SLACK);
        if (!body.ok) {
          return body.reason === "too_large" ? refuse(c, tooLarge, 413) : refuse(c, "The upload could not be read. Choose the file again and press Upload.");
        }
        // A form sent with no file chosen has a file part with no name and no bytes.
        if (!body.file || (body.file.fileName === "" && body.file.bytes.length === 0)) return refuse(c, "Choose a CSV or Excel (.xlsx) file to upload.");
        // The file itself, so that createImport lets its bytes go once read (not a copy of the reference).
        const result = await createImport(db, actorOf(c), body.file, { maxBytes: config.importMaxBytes, maxRows: config.importMaxRows });
        if (!result.ok) {
          if (result.code === "not_stored") throw new Error(result.message);
          return refuse(c, result.message);
        }
        wake?.("imports");
        const view = (await getImport(db, c.get("session")!.org.id, result.importId))!;
        return respondAfterPost(c, `/imports/${view.id}`, () => (
          <>
            <ImportPanel view={view} page={!inDialog(c)} inDialog={inDialog(c)} />
            <LiveStatusText text={importStatusText(view)} />
          </>
        ));
      },
    )
    .get("/:id", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      const problems = await problemsOf(c, view);
      // ?used=<row>:<invited|not-invited>: what a plain "Use this address" post did (our own words and digits).
      const used = /^(\d{1,9}):(invited|not-invited)$/.exec(c.req.query("used") ?? "");
      const flash = used
        ? {
            text:
              used[2] === "invited"
                ? `Row ${formatNumber(Number(used[1]))}: invited at the suggested address.`
                : `Row ${formatNumber(Number(used[1]))} was not invited: see why in its row below.`,
          }
        : undefined;
      const mail = await mailProgressOf(c, view, false);
      c.header("Cache-Control", "no-store");
      return renderPage(c, {
        title: `Bulk upload: ${view.fileName}`,
        active: "users",
        body: <ImportPage view={view} problems={problems} flash={flash} mail={mail} />,
      });
    })
    .get("/:id/mail", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      const onUsersPage = c.req.query("on") === "users";
      const mail = await mailProgressOf(c, view, onUsersPage);
      c.header("Cache-Control", "no-store");
      // Nothing (left) to show: an empty sentence without the trigger, so the poll stops.
      return respond(c, {
        title: `Bulk upload: ${view.fileName}`,
        active: "users",
        page: () => <ImportPage view={view} problems={null} mail={mail} />,
        fragment: () => (mail ? <MailProgressAnswer view={mail} /> : <p id="mail-progress-text"></p>),
      });
    })
    .get("/:id/status", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      c.header("Cache-Control", "no-store");
      // The poll that finds the job done (it stops there) brings the problem rows along, and
      // refreshes the Users list behind the dialog.
      const behind = isRunning(view.status) ? null : await usersListPartials(c, { recentImports: true });
      const problems = await problemsOf(c, view);
      return respond(c, {
        title: `Bulk upload: ${view.fileName}`,
        active: "users",
        page: () => <ImportPage view={view} problems={problems} />,
        fragment: () => (
          <>
            <ImportStatus view={view} inDialog={inDialog(c)} />
            {problems && (
              <hx-partial hx-target="#import-problems" hx-swap="outerHTML">
                <ImportProblems importId={view.id} groups={problems} />
              </hx-partial>
            )}
            {behind}
            {!isRunning(view.status) && <LiveStatusText text={importStatusText(view)} />}
          </>
        ),
      });
    })
    .post("/:id/send", requireAdmin, (c) => requestSend(c, "ready"))
    .get("/:id/suggestions", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      if (view.suggestionCount === 0 || view.suggestionsRequested) return c.redirect(`/imports/${view.id}`, 303);
      const { rows, toInvite } = await listSuggestedPeople(c.get("deps").db, c.get("session")!.org.id, view.id, 200);
      return renderPage(c, { title: "Use suggested addresses", active: "users", body: <SuggestionsPage view={view} rows={rows} toInvite={toInvite} /> });
    })
    .post("/:id/use-suggestions", requireAdmin, (c) => requestSend(c, "suggestions"))
    .post("/:id/use-address", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      const { db, config, wake } = c.get("deps");
      const field = (await c.req.parseBody()).row;
      const row = typeof field === "string" && /^\d{1,9}$/.test(field) ? Number(field) : null;
      const result =
        row === null
          ? { ok: false as const, reason: "no_suggestion" as const }
          : await useSuggestedAddress(db, actorOf(c), view.id, row, { publicUrl: config.publicUrl });
      if (!result.ok && result.reason === "not_found") return renderNotFound(c);
      const invited = result.ok && result.change.to === "invited";
      if (invited) wake?.("mail");
      if (!isFragmentRequest(c) && result.ok) return c.redirect(`/imports/${view.id}?used=${row}:${invited ? "invited" : "not-invited"}`, 303);
      const text = !result.ok
        ? result.reason === "not_ready"
          ? "The rows are still being checked. Use the address once the check is done."
          : "This row has no suggested address to use any more: it was used already."
        : invited
          ? `Row ${formatNumber(row!)}: invited at ${result.change.message.replace(/^Invited at the suggested address (.*)\.$/, "$1")}.`
          : `Row ${formatNumber(row!)} was not invited: ${result.change.message}`;
      const fresh = (await getImport(db, c.get("session")!.org.id, view.id))!;
      const problems = await problemsOf(c, fresh);
      if (!isFragmentRequest(c)) {
        c.status(409);
        return renderPage(c, {
          title: `Bulk upload: ${fresh.fileName}`,
          active: "users",
          body: <ImportPage view={fresh} problems={problems} flash={{ text, problem: true }} />,
        });
      }
      c.status(result.ok ? 200 : 409);
      return c.html(
        <>
          <ImportProblems importId={fresh.id} groups={problems ?? []} flash={{ text, problem: !invited }} />
          <hx-partial hx-target={`#import-status-${fresh.id}`} hx-swap="outerHTML">
            <ImportStatus view={fresh} inDialog={inDialog(c)} />
          </hx-partial>
        </>,
      );
    })
    .get("/:id/errors.csv", requireAdmin, async (c) => {
      const view = await importOf(c);
      if (!view) return renderNotFound(c);
      // Not a partial log that looks complete: until every row is checked there is no error log.
      const unfinished =
        view.status === "queued" || view.status === "validating"
          ? `${formatNumber(view.processed)} of ${formatNumber(view.total)} rows are checked so far. Download the error log once the check is done.`
          : view.status === "failed"
            ? "This upload stopped before every row was checked, so there is no complete error log. Upload the file again."
            : null;
      if (unfinished) {
        return renderRefusal(c, 409, {
          title: "Error log not ready",
          active: "users",
          heading: "The error log is not ready",
          message: unfinished,
          next: <a href={`/imports/${view.id}`}>Back to the upload</a>,
        });
      }
      const base =
        view.fileName
          .replace(/\.[^.]*$/, "")
          .replace(/[^A-Za-z0-9._-]+/g, "_")
          .slice(0, 80) || "upload";
      return csvDownload(c, {
        fileName: `errors-${base}.csv`,
        header: ERROR_LOG_HEADER,
        what: "error log export",
        pages: readErrorLog(c.get("deps").db, c.get("session")!.org.id, view.id),
        line: errorLogLine,
      });
    });

  /** Send Invite / Use suggestions: idempotent; the widget (now sending) answers, or a 303 to the import page. */
  async function requestSend(c: Context<AppEnv>, what: "ready" | "suggestions") {
    const id = c.req.param("id") ?? "";
    if (!isOurId(id)) return renderNotFound(c);
    const { db, wake } = c.get("deps");
    const result = await requestImportSend(db, actorOf(c), id, what);
    if (!result.ok && result.reason === "not_found") return renderNotFound(c);
    if (result.ok && result.started) wake?.("imports");
    const view = (await getImport(db, c.get("session")!.org.id, id))!;
    const notice = result.ok
      ? undefined
      : result.reason === "not_ready"
        ? "The rows are still being checked. Send Invite once the check is done."
        : what === "ready"
          ? "No one in this file is ready to invite."
          : "There are no suggested addresses to use.";
    if (notice) {
      // Nothing was started: the widget (htmx) or the import page (plain form) says why, with 409.
      c.status(409);
      if (isFragmentRequest(c)) return c.html(<ImportStatus view={view} notice={notice} inDialog={inDialog(c)} />);
      return renderPage(c, { title: `Bulk upload: ${view.fileName}`, active: "users", body: <ImportPage view={view} problems={null} notice={notice} /> });
    }
    const behind = isRunning(view.status) ? null : await usersListPartials(c, { recentImports: true });
    // The page's mail progress (the import page's, or the Users page's behind the upload dialog) starts polling.
    const mail = isFragmentRequest(c) ? await mailProgressOf(c, view, currentListOf(c).onUsersPage) : null;
    return respondAfterPost(c, `/imports/${id}`, () => (
      <>
        <ImportStatus view={view} inDialog={inDialog(c)} />
        {behind}
        {mail && (
          <hx-partial hx-target="#mail-progress" hx-swap="innerHTML">
            <MailProgressText view={mail} />
          </hx-partial>
        )}
      </>
    ));
  }
}
