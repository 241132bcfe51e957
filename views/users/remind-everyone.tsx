// "Remind everyone invited more than N days ago" on the Invited view of the Users page: a link
// that opens the confirmation (in a dialog with JavaScript, as a page without), which says how
// many people it would remind; confirming asks the reminder job to remind them.
import { CloseOrBack } from "../components/close-or-back.js";
import { formatNumber } from "../components/format.js";

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

function Title(props: { page?: boolean | undefined; children: unknown }) {
  return props.page ? <h1 id="remind-title">{props.children}</h1> : <h2 id="remind-title">{props.children}</h2>;
}

/** The confirmation: its own page without JavaScript, the dialog's content with it. */
export function RemindConfirm(props: RemindConfirmView) {
  const { days, count } = props;
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      {props.underWay ? (
        <>
          <Title page={props.page}>Reminders are being sent</Title>
          <p>The reminders you asked for are on their way. The activity log says how many people were reminded once they are all sent.</p>
        </>
      ) : count === 0 ? (
        <>
          <Title page={props.page}>No one to remind</Title>
          <p>
            Everyone invited more than {days} days ago has joined, was reminded twice already, or cannot be reached (their last email bounced, or they left the
            directory).
          </p>
        </>
      ) : (
        <>
          <Title page={props.page}>
            Remind {people(count)} invited more than {days} days ago?
          </Title>
          <p>
            {count === 1 ? "They have" : "They have all"} not joined yet. Each gets their invitation again, with the same link, as a reminder. People already
            reminded twice, whose last email bounced, or who left the directory are left out.
          </p>
        </>
      )}
      <form method="post" action="/users/remind" hx-post="/users/remind" hx-target="#remind-confirm" hx-swap="outerHTML" hx-disable="find button">
        <div class="dialog-actions">
          {count > 0 && !props.underWay && <button type="submit">Remind {people(count)}</button>}
          <CloseOrBack page={props.page} href="/users?status=invited" label={count > 0 && !props.underWay ? "Cancel" : "Back to Users"} />
        </div>
      </form>
    </section>
  );
}

/** What confirming answers (htmx): the dialog says what happens next. */
export function RemindStarted(props: { days: number; count: number; started: boolean; page?: boolean }) {
  return (
    <section id="remind-confirm" class="confirm" aria-labelledby="remind-title">
      <Title page={props.page}>
        {props.started ? "Reminding" : "Already reminding"} {people(props.count)}
      </Title>
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
