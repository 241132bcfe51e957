// After Invite: how many were invited, and each one that was not, with why.
import type { GroupInviteReport } from "../../src/domain/group-invitations.js";
import type { InviteOutcome } from "../../src/domain/invitations.js";
import { GroupResults } from "./group-result.js";
import { CloseOrBack } from "../components/close-or-back.js";
import { asOwnPage, DialogTitle } from "../components/dialog-or-page.js";

/** `page`: a page of its own (h1), not the Users page's dialog. */
type Props = { invited: number; outcomes: InviteOutcome[]; omitted?: number; groups?: GroupInviteReport[]; page?: boolean };

export const InviteResultPage = asOwnPage("invite-page", InviteResult);

/** `omitted`: people of a long request not listed (the count still says how many were invited). */
export function InviteResult(props: Props) {
  // One line per person: another address of someone already listed is named on their line.
  const people = props.outcomes.filter((o) => o.samePersonAs === undefined);
  const alsoGiven = (o: InviteOutcome) => props.outcomes.filter((other) => other.samePersonAs === o.email).map((other) => other.email);
  const done = people.filter((o) => o.result === "invited" || o.result === "reinvited");
  const refused = people.filter((o) => o.result !== "invited" && o.result !== "reinvited");
  const n = props.invited;
  return (
    <section id="invite-user" class="invite-user invite-result" aria-labelledby="invite-title">
      <DialogTitle page={props.page} id="invite-title">
        Invite User
      </DialogTitle>
      {/* Focus comes here after Invite (static/app.js), so it is read out; no live region needed. */}
      <p id="invite-result-message" class={n > 0 ? "flash" : "flash error"} tabindex={-1} data-focus-after-swap>
        {n === 0 ? "No one was invited." : `${n} ${n === 1 ? "person" : "people"} invited. The invitation emails are on their way.`}
      </p>
      {done.length > 0 && (
        <ul class="invited-list" aria-label="Invited">
          {done.map((o) => (
            <li>
              {o.email}
              {o.result === "reinvited" ? " (invited again)" : ""}
              <AlsoGiven emails={alsoGiven(o)} />
            </li>
          ))}
        </ul>
      )}
      {refused.length > 0 && (
        <>
          <h3>Not invited</h3>
          <ul class="not-invited">
            {refused.map((o) => (
              <li>
                <strong>{o.email || "Unknown person"}</strong>
                <AlsoGiven emails={alsoGiven(o)} />: {o.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {props.groups && <GroupResults groups={props.groups} />}
      {props.omitted ? (
        <p class="muted">
          {props.omitted} more {props.omitted === 1 ? "address is" : "addresses are"} not listed here; the Activity log lists everyone invited.
        </p>
      ) : null}
      <div class="dialog-actions">
        <a href="/users/invite" role="button" hx-get="/users/invite" hx-target="#invite-user" hx-swap="outerHTML">
          Invite more
        </a>
        <CloseOrBack page={props.page} label="Done" />
      </div>
    </section>
  );
}

function AlsoGiven(props: { emails: string[] }) {
  return props.emails.length > 0 ? <> (also given as {props.emails.join(", ")})</> : null;
}
