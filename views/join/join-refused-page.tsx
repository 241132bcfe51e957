// The pages a join link answers when it cannot be used: they say which case it is and what to
// do, and never whether any other link exists.
import type { JoinRefusal } from "../../src/domain/join.js";
import { NoticePage } from "../components/notice-page.js";
import { PostButton } from "../components/post-button.js";

export function JoinRefusedPage(props: { refusal: Exclude<JoinRefusal, { status: "someone-else" }>; signedIn: boolean }) {
  const { refusal } = props;
  switch (refusal.status) {
    case "invalid":
      return (
        <NoticePage title="This invitation link is not valid">
          <p>
            Check that you opened the whole link from your invitation email: some email programs break long links. If it still does not work, ask your
            organization's admin to send you a new invitation.
          </p>
        </NoticePage>
      );
    case "revoked":
      if (refusal.reason === "left") {
        return (
          <NoticePage title="This invitation is no longer valid">
            <p>
              The work account this invitation to <strong>{refusal.orgName}</strong> was sent to is no longer active in the organization's directory, so the
              invitation was withdrawn. If you should have access, ask your admin.
            </p>
          </NoticePage>
        );
      }
      return refusal.reason === "archived" ? (
        <NoticePage title="This invitation has been withdrawn">
          <p>
            An admin of <strong>{refusal.orgName}</strong> withdrew this invitation. If you should have access, ask your admin to invite you again.
          </p>
        </NoticePage>
      ) : (
        <NoticePage title="This invitation link has been replaced">
          <p>
            A newer invitation to <strong>{refusal.orgName}</strong> was sent, and this link no longer works. Use the link in the most recent invitation email,
            or ask your admin to send it again.
          </p>
        </NoticePage>
      );
    case "accepted":
      return (
        <NoticePage title="This invitation has already been accepted">
          <p>
            This invitation to <strong>{refusal.orgName}</strong> has been used to join.
          </p>
          {props.signedIn ? (
            <p>If it was sent to you, sign out and sign in with the work account it was sent to.</p>
          ) : (
            <p>
              If you joined with it, <a href="/login">sign in</a> with your work account to continue.
            </p>
          )}
        </NoticePage>
      );
  }
}

/** Signed in as someone other than the invitee (a forwarded link, or the wrong account). */
export function SentToSomeoneElsePage(props: { token: string; signedInAs: string }) {
  return (
    <NoticePage title="This invitation was sent to someone else">
      <p>
        You are signed in as <strong>{props.signedInAs}</strong>, but this invitation was sent to a different person. Invitations work only for the person they
        were sent to; nothing has been changed.
      </p>
      <p>If it was sent to another work account of yours, sign out and sign in with that account. Otherwise, ask your organization's admin to invite you.</p>
      <PostButton action={`/join/${props.token}/switch`} class="secondary">
        Sign out and switch account
      </PostButton>
    </NoticePage>
  );
}
