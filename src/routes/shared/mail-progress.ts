// The mail progress of an import, for the import page, the Users page and their polls: its email
// counts (countImportMail) and the time left at the configured rate. Only for the signed-in
// admin's organization: the import was found in it, and the counts are read through it again.
import type { Context } from "hono";
import type { AppEnv } from "../../context.js";
import { countImportMail, importMailProgress } from "../../domain/import-mail.js";
import type { ImportView } from "../../domain/imports.js";
import type { MailProgressView } from "../../../views/imports/mail-progress.js";

/** How long after its send finished the Users page still shows an import's emails. */
const SHOWN_ON_USERS_PAGE_MS = 24 * 60 * 60 * 1000;

/** People of the file the send has not reached yet: their emails are still to be queued. */
function toInviteOf(view: ImportView): number {
  if (view.status !== "sending") return 0;
  return (view.sendRequested ? view.readyCount : 0) + (view.suggestionsRequested ? view.suggestionCount : 0);
}

/** The import's mail progress, or null when it has sent no invitation email and is sending none. */
export async function mailProgressOf(c: Context<AppEnv>, view: ImportView, onUsersPage: boolean): Promise<MailProgressView | null> {
  if (view.status !== "sending" && view.sentCount === 0) return null;
  const { db, config } = c.get("deps");
  const counts = await countImportMail(db, c.get("session")!.org.id, view.id);
  const progress = importMailProgress(counts, toInviteOf(view), config);
  if (progress.total === 0 && progress.withdrawn === 0) return null;
  const deliveryReported = config.mailTransport === "resend" && Boolean(config.resendWebhookSecret);
  return { importId: view.id, fileName: view.fileName, progress, deliveryReported, onUsersPage };
}

/** The Users page's: the latest upload that invited people, while its emails go and for a day after. */
export async function usersPageMailProgress(c: Context<AppEnv>, recent: ImportView[], now = Date.now()): Promise<MailProgressView | null> {
  const latest = recent.find((view) => view.status === "sending" || view.sentCount > 0);
  if (!latest) return null;
  const shown = await mailProgressOf(c, latest, true);
  const recentlyDone = latest.finishedAt !== null && now - latest.finishedAt.getTime() < SHOWN_ON_USERS_PAGE_MS;
  return shown && (shown.progress.going || recentlyDone) ? shown : null;
}
