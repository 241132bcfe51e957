// The pages Sign in with Microsoft shows when it cannot finish: they say what to do next,
// never why in technical terms (the reason goes to the log).

export function SignInFailedPage() {
  return (
    <section class="notice-page">
      <h1>Sign-in could not be completed — please start again</h1>
      <p>The sign-in with Microsoft did not finish (it may have taken too long, been started in another tab, or been cancelled). Nothing was changed.</p>
      <p>
        <a class="button-link" href="/login">
          Start again
        </a>
      </p>
    </section>
  );
}

export function SignInUnavailablePage() {
  return (
    <section class="notice-page">
      <h1>Microsoft sign-in is not reachable right now</h1>
      <p>
        We could not reach Microsoft to start signing you in. Wait a moment, then <a href="/login">try again</a>.
      </p>
    </section>
  );
}

/** Signed in with Microsoft, but the organization is not set up yet and this person may not set it up. */
export function NoOrganizationPage(props: { domain: string | null }) {
  return (
    <section class="notice-page">
      <h1>Ask your global admin for access</h1>
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
    </section>
  );
}
