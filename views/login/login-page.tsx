// Sign-in: "Sign in with Microsoft" when Entra is configured; a local sign-in form in local mode,
// with the demo accounts when the demo is seeded, or how to load a directory when it is empty.

/** Local mode's sign-in: whether the demo is seeded, and whether anyone is in the directory yet. */
export type LocalSignIn = { demo: boolean; emptyDirectory: boolean };

export function LoginPage(props: { localMode: boolean; local?: LocalSignIn; next: string; email?: string; error?: string }) {
  const local = props.local ?? { demo: true, emptyDirectory: false };
  return (
    <section class="login">
      <h1>Sign in to the admin center</h1>
      {!props.localMode ? (
        <>
          <p>Use your Microsoft work account. You need the Business Administrator role to manage your organization.</p>
          <a class="button-link" href={`/login/entra?next=${encodeURIComponent(props.next)}`}>
            Sign in with Microsoft
          </a>
        </>
      ) : local.emptyDirectory ? (
        <EmptyDirectory />
      ) : (
        <>
          <p>
            {local.demo ? "Local mode: sign in as anyone in the demo directory." : "Local mode: sign in as anyone in your organization's directory."} No
            password is needed.
          </p>
          <form method="post" action="/login/local" class="stack">
            <input type="hidden" name="next" value={props.next} />
            <label for="email">Work email</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              required
              value={props.email ?? ""}
              aria-invalid={props.error ? "true" : undefined}
              aria-describedby={props.error ? "email-error" : undefined}
              autofocus={props.error ? true : undefined}
            />
            {props.error && (
              <small id="email-error" class="field-error">
                {props.error}
              </small>
            )}
            <button type="submit">Sign in</button>
          </form>
          {local.demo ? (
            <p class="muted">
              Demo accounts: <code>alex.admin@contoso.example</code> (Business Administrator) and <code>casey.member@contoso.example</code> (no role).
            </p>
          ) : (
            <p class="muted">
              The Business Administrator is the person named with <code>--admin</code> when the directory was loaded.
            </p>
          )}
        </>
      )}
    </section>
  );
}

function EmptyDirectory() {
  return (
    <>
      <p>Local mode, and the directory is empty (the demo is off): nobody can sign in yet.</p>
      <p>
        Load your organization's people from the Entra admin center's export (<strong>Users → Download users</strong>), naming the person who will be its
        Business Administrator:
      </p>
      <pre>
        <code>npm run directory:import -- --org "Your organization" --admin you@example.com users.csv</code>
      </pre>
      <p>
        Then reload this page and sign in as that person. <code>--dry-run</code> shows what the import would do first.
      </p>
    </>
  );
}
