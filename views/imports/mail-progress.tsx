// How an import's invitation emails are doing, in one short sentence, on the import page and the
// Users page. The sentence polls itself (every 2 s) while emails are still to go and renders
// without the trigger once none are, so the poll stops. It is not a live region (a screen reader
// would read it out every 2 s): the answer that ends the poll also says the final sentence in the
// page's one status element (MailProgressDone).
import type { ImportMailProgress } from "../../src/domain/import-mail.js";
import { formatNumber } from "../components/format.js";
import { LiveStatusText } from "../components/live-status.js";

export type MailProgressView = {
  importId: string;
  fileName: string;
  progress: ImportMailProgress;
  /** Delivery events reach us (Resend with its webhook): otherwise "delivered" would always read 0. */
  deliveryReported: boolean;
  /** On the Users page the sentence names the file and links to it. */
  onUsersPage: boolean;
};

const n = formatNumber;

/** "about 4 minutes left": minutes up to an hour and a half, then hours. */
export function timeLeftText(seconds: number): string {
  if (seconds < 60) return "less than a minute left";
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} ${minutes === 1 ? "minute" : "minutes"} left`;
  return `about ${Math.round(minutes / 60)} hours left`;
}

/** The sentence: "Emails: 1,200 of 5,000 sent · 3 bounced · about 4 minutes left", or once all
 *  went, "All 5,000 invitation emails sent; 4,990 delivered, 3 bounced". */
export function mailProgressText(view: Pick<MailProgressView, "progress" | "deliveryReported">): string {
  const p = view.progress;
  const delivery = view.deliveryReported ? [`${n(p.delivered)} delivered`, `${n(p.bounced)} bounced`] : [];
  const failed = p.failed > 0 ? [`${n(p.failed)} could not be sent`] : [];
  const withdrawn = p.withdrawn > 0 ? [`${n(p.withdrawn)} withdrawn before sending`] : [];
  if (p.going) {
    const shown = view.deliveryReported ? [...(p.delivered > 0 ? [delivery[0]!] : []), ...(p.bounced > 0 ? [delivery[1]!] : [])] : [];
    return [`Emails: ${n(p.sent)} of ${n(p.total)} sent`, ...shown, ...failed, timeLeftText(p.secondsLeft ?? 0)].join(" · ");
  }
  const head =
    p.failed > 0 ? `${n(p.sent)} of ${n(p.total)} invitation emails sent` : `All ${n(p.total)} invitation ${p.total === 1 ? "email" : "emails"} sent`;
  const tail = [...delivery, ...failed, ...withdrawn];
  return tail.length > 0 ? `${head}; ${tail.join(", ")}` : head;
}

/** The sentence, polling while emails are to go. */
export function MailProgressText(props: { view: MailProgressView }) {
  const { view } = props;
  const poll = view.progress.going
    ? { "hx-get": `/imports/${view.importId}/mail${view.onUsersPage ? "?on=users" : ""}`, "hx-trigger": "every 2s", "hx-swap": "outerHTML" }
    : {};
  const problem = view.progress.bounced > 0 || view.progress.failed > 0;
  return (
    <p id="mail-progress-text" class={problem ? "mail-progress-text mail-problem" : "mail-progress-text"} {...poll}>
      {view.onUsersPage && (
        <>
          <a href={`/imports/${view.importId}`} class="file-name">
            {view.fileName}
          </a>
          :{" "}
        </>
      )}
      {mailProgressText(view)}
    </p>
  );
}

/** The poll's answer: the sentence, and once no email is left to go, the final sentence said once. */
export function MailProgressAnswer(props: { view: MailProgressView }) {
  return (
    <>
      <MailProgressText view={props.view} />
      {!props.view.progress.going && <LiveStatusText text={mailProgressText(props.view)} />}
    </>
  );
}

/** Always in the page (empty when no send is to show), so Send Invite has a place to start it. */
export function MailProgress(props: { view: MailProgressView | null }) {
  return (
    <div id="mail-progress" class="mail-progress">
      {props.view && <MailProgressText view={props.view} />}
    </div>
  );
}
