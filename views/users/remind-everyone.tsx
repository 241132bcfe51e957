// "Remind everyone invited more than N days ago" on the Invited view of the Users page: a link
// that opens the confirmation (in a dialog with JavaScript, as a page without), which says how
// many people it would remind; confirming asks the reminder job to remind them.
import { CloseOrBack } from "../components/close-or-back.js";
import { formatNumber } from "../components/format.js";
import { SwapForm } from "../components/swap-form.js";
import { DialogTitle } from "../components/dialog-or-page.js";

const people = (n: number) => `${formatNumber(n)} ${n === 1 ? "person" : "people"}`;

export function RemindEveryoneLink(props: { days: number }) {
  return (
    <p class="list-actions">
      <a role="button" class="secondary outline" href="/users/remind" data-dialog="remind-dialog">
        Remind everyone invited more than {props.days} days ago
      </a>
    </p>
  );
}

/** `page`: a page of its own (its heading is the h1, Cancel a link), not the Users page's dialog. */
export type RemindConfirmView = { days: number; count: number; underWay: boolean; page?: boolean };

/** The confirmation: its own page without JavaScript, the dialog's content with it. */
export function RemindConfirm(props: RemindConfirmView) {
  const { days, count } = props;
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      {props.underWay ? (
        <>
          <DialogTitle page={props.page} id="remind-title">
            Reminders are being sent
          </DialogTitle>
          <p>The reminders you asked for are on their way. The activity log says how many people were reminded once they are all sent.</p>
        </>
      ) : count === 0 ? (
        <>
          <DialogTitle page={props.page} id="remind-title">
            No one to remind
          </DialogTitle>
          <p>
            Everyone invited more than {days} days ago has joined, was reminded twice already, or cannot be reached (their last email bounced, or they left the
            directory).
          </p>
        </>
      ) : (
        <>
          <DialogTitle page={props.page} id="remind-title">
            Remind {people(count)} invited more than {days} days ago?
          </DialogTitle>
          <p>
            {count === 1 ? "They have" : "They have all"} not joined yet. Each gets their invitation again, with the same link, as a reminder. People already
            reminded twice, whose last email bounced, or who left the directory are left out.
          </p>
        </>
      )}
      <SwapForm action="/users/remind" target="#remind-confirm" hx-disable="find button">
        <div class="dialog-actions">
          {count > 0 && !props.underWay && <button type="submit">Remind {people(count)}</button>}
          <CloseOrBack page={props.page} href="/users?status=invited" label={count > 0 && !props.underWay ? "Cancel" : "Back to Users"} />
        </div>
      </SwapForm>
    </section>
  );
}

/** What confirming answers (htmx): the dialog says what happens next. */
export function RemindStarted(props: { days: number; count: number; started: boolean; page?: boolean }) {
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      <DialogTitle page={props.page} id="remind-title">
        {props.started ? "Reminding" : "Already reminding"} {people(props.count)}
      </DialogTitle>
      {/* Focus comes here after confirming (static/app.js), so it is read out. */}
      <p id="remind-started" tabindex={-1} data-focus-after-swap>
        {props.started
          ? `Reminders are on their way to the ${people(props.count)} invited more than ${props.days} days ago who have not joined.`
          : "The reminders asked for earlier are still being sent."}{" "}
        The activity log says how many were reminded once they are all sent.
      </p>
      <div class="dialog-actions">
        <CloseOrBack page={props.page} href="/users?status=invited" label="Done" />
      </div>
    </section>
  );
}
