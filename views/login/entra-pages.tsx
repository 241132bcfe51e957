// The pages Sign in with Microsoft shows when it cannot finish: they say what to do next,
// never why in technical terms (the reason goes to the log).
import { NoticePage } from "../components/notice-page.js";

export function SignInFailedPage() {
  return (
    <NoticePage title="Sign-in could not be completed — please start again">
      <p>The sign-in with Microsoft did not finish (it may have taken too long, been started in another tab, or been cancelled). Nothing was changed.</p>
      <p>
        <a class="button-link" href="/login">
          Start again
        </a>
      </p>
    </NoticePage>
  );
}

export function SignInUnavailablePage() {
  return (
    <NoticePage title="Microsoft sign-in is not reachable right now">
      <p>
        We could not reach Microsoft to start signing you in. Wait a moment, then <a href="/login">try again</a>.
      </p>
    </NoticePage>
  );
}

/** Signed in with Microsoft, but the organization is not set up yet and this person may not set it up. */
export function NoOrganizationPage(props: { domain: string | null }) {
  return (
    <NoticePage title="Ask your global admin for access">
      <p>
        {props.domain ? (
          <>
            Your organization (<strong>{props.domain}</strong>)
          </>
        ) : (
          <>Your organization</>
        )}{" "}
        has not started using the admin center yet, and only a Business Administrator can set it up. Ask your organization's global administrator to assign you
        the <strong>Business Administrator</strong> role in Microsoft Entra ID, then sign in again.
      </p>
      <p>
        <a href="/login">Back to sign-in</a>
      </p>
    </NoticePage>
  );
}
