// The invitation landing page: who invites whom to what, at which rate, and one button.
// Signed out it says Get started (sign in first); signed in as the invitee it says Join.
import type { OpenInvitation } from "../../src/domain/join.js";
import { RateText } from "./rate-text.js";

export function JoinLandingPage(props: { invitation: OpenInvitation; token: string; signInHref: string | null }) {
  const { invitation } = props;
  return (
    <section class="notice-page join-page">
      <h1>Join {invitation.orgName} on MileIQ</h1>
      <p>
        {invitation.inviterName ? (
          <>
            <strong>{invitation.inviterName}</strong> invited you
          </>
        ) : (
          <>You have been invited</>
        )}{" "}
        to track your business mileage with MileIQ for <strong>{invitation.orgName}</strong>.
      </p>
      <dl class="join-facts">
        <dt>Invitation for</dt>
        <dd>
          {invitation.memberName ? (
            <>
              {invitation.memberName} ({invitation.email})
            </>
          ) : (
            invitation.email
          )}
        </dd>
        <dt>Mileage rate</dt>
        <dd>
          <RateText rateMilli={invitation.rateMilli} />
        </dd>
      </dl>
      {props.signInHref ? (
        <>
          <a class="button-link" href={props.signInHref}>
            Get started
          </a>
          <p class="muted">You will sign in with your own work account ({invitation.email}), then come back here to join.</p>
        </>
      ) : (
        <form method="post" action={`/join/${props.token}`}>
          <button type="submit">Join</button>
        </form>
      )}
    </section>
  );
}
