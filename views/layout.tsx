// The app shell: header (organization, signed-in person, Sign out), left panel, local-mode
// banner, and the page. Scripts are our own files: the CSP allows no inline script.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { SessionIdentity } from "../src/auth/session.js";

export type Shell = {
  localMode: boolean;
  session: SessionIdentity | null;
  active?: "users" | "settings" | "activity" | "outbox" | undefined;
};

export function Layout(props: { title: string; shell: Shell; children: Child }) {
  const { session, localMode, active } = props.shell;
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
          <title>{`${props.title} · MileIQ Admin Center`}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/pico.min.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <link rel="stylesheet" href="/static/invite.css" />
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
          <script src="/static/invite.js" defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">Skip to content</a>
          {localMode && (
            <div class="local-banner" role="note">
              Local mode: demo organization and directory, local sign-in, emails kept in the <a href="/outbox">local outbox</a>.
            </div>
          )}
          <header class="app-header">
            <a class="brand" href="/users">MileIQ <span>Admin Center</span></a>
            {session && (
              <div class="who">
                <span class="org">{session.org.name}</span>
                <span class="person">{session.person.displayName || session.person.email}</span>
                <form method="post" action="/logout" class="inline">
                  <button type="submit" class="secondary outline small">Sign out</button>
                </form>
              </div>
            )}
          </header>
          <div class={session?.isAdmin ? "app-body" : "app-body no-nav"}>
            {session?.isAdmin && (
              <nav class="side-nav" aria-label="Admin center">
                <ul>
                  <li><a href="/users" aria-current={active === "users" ? "page" : undefined}>Users</a></li>
                  <li><a href="/settings" aria-current={active === "settings" ? "page" : undefined}>Settings</a></li>
                  <li><a href="/activity" aria-current={active === "activity" ? "page" : undefined}>Activity</a></li>
                  {localMode && <li><a href="/outbox" aria-current={active === "outbox" ? "page" : undefined}>Local outbox</a></li>}
                </ul>
              </nav>
            )}
            <main id="main" tabindex={-1}>{props.children}</main>
          </div>
        </body>
      </html>
    </>
  );
}
