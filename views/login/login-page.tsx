// Sign-in: "Sign in with Microsoft" when Entra is configured; a local sign-in form in local mode.

export function LoginPage(props: { localMode: boolean; next: string; email?: string; error?: string }) {
  return (
    <section class="login">
      <h1>Sign in to the admin center</h1>
      {props.localMode ? (
        <>
          <p>Local mode: sign in as anyone in the demo directory. No password is needed.</p>
          <form method="post" action="/login/local" class="stack">
            <input type="hidden" name="next" value={props.next} />
            <label for="email">Work email</label>
            <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ""}
              aria-invalid={props.error ? "true" : undefined} aria-describedby={props.error ? "email-error" : undefined} />
            {props.error && <small id="email-error" class="field-error">{props.error}</small>}
            <button type="submit">Sign in</button>
          </form>
          <p class="muted">
            Demo accounts: <code>alex.admin@contoso.example</code> (Business Administrator) and{" "}
            <code>casey.member@contoso.example</code> (no role).
          </p>
        </>
      ) : (
        <>
          <p>Use your Microsoft work account. You need the Business Administrator role to manage your organization.</p>
          <a role="button" href={`/login/entra?next=${encodeURIComponent(props.next)}`}>Sign in with Microsoft</a>
        </>
      )}
    </section>
  );
}
