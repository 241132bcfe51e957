// "Remind everyone invited more than N days ago" on the Invited view of the Users page: a link
// that opens the confirmation (in a dialog with JavaScript, as a page without), which says how
// many people it would remind; confirming asks the reminder job to remind them.
import { formatNumber } from "../components/format.js";

const people = (n: number) => `${formatNumber(n)} ${n === 1 ? "person" : "people"}`;

export function RemindEveryoneLink(props: { days: number }) {
  return (
    <p class="list-actions">
      <a role="button" class="secondary outline" href="/users/remind" data-dialog="remind-dialog">Remind everyone invited more than {props.days} days ago</a>
    </p>
  );
}

export type RemindConfirmView = { days: number; count: number; underWay: boolean };

/** The confirmation: its own page without JavaScript, the dialog's content with it. */
export function RemindConfirm(props: RemindConfirmView) {
  const { days, count } = props;
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      {props.underWay ? (
        <>
          <h2 id="remind-title">Reminders are being sent</h2>
          <p>The reminders you asked for are on their way. The activity log says how many people were reminded once they are all sent.</p>
        </>
      ) : count === 0 ? (
        <>
          <h2 id="remind-title">No one to remind</h2>
          <p>Everyone invited more than {days} days ago has joined, was reminded twice already, or cannot be reached (their last email bounced, or they left the directory).</p>
        </>
      ) : (
        <>
          <h2 id="remind-title">Remind {people(count)} invited more than {days} days ago?</h2>
          <p>
            {count === 1 ? "They have" : "They have all"} not joined yet. Each gets their invitation again, with the same link, as a reminder.
            People already reminded twice, whose last email bounced, or who left the directory are left out.
          </p>
        </>
      )}
      <form method="post" action="/users/remind" hx-post="/users/remind" hx-target="#remind-confirm" hx-swap="outerHTML" hx-disable="find button">
        <div class="dialog-actions">
          {count > 0 && !props.underWay && <button type="submit">Remind {people(count)}</button>}
          <a href="/users?status=invited" role="button" class="secondary" data-close-dialog>{count > 0 && !props.underWay ? "Cancel" : "Back to Users"}</a>
        </div>
      </form>
    </section>
  );
}

/** What confirming answers (htmx): the dialog says what happens next. */
export function RemindStarted(props: { days: number; count: number; started: boolean }) {
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      <h2 id="remind-title">{props.started ? "Reminding" : "Already reminding"} {people(props.count)}</h2>
      <p role="status">
        {props.started
          ? `Reminders are on their way to the ${people(props.count)} invited more than ${props.days} days ago who have not joined.`
          : "The reminders asked for earlier are still being sent."} The activity log says how many were reminded once they are all sent.
      </p>
      <div class="dialog-actions"><a href="/users?status=invited" role="button" data-close-dialog>Done</a></div>
    </section>
  );
}
