// The app shell: header (organization, signed-in person, Sign out), left panel, the local-mode
// banner or the "mail is not being sent" banner, and the page. Scripts are our own files: the
// CSP allows no inline script.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SessionIdentity } from "../src/auth/session.js";

export type Shell = {
  localMode: boolean;
  /** Mail stays in the outbox (MAIL_TRANSPORT=outbox, or local mode without Resend): nothing is sent. */
  mailHeld: boolean;
  session: SessionIdentity | null;
  active?: "users" | "settings" | "activity" | "outbox" | undefined;
};

/** The shell around a page. Its markup depends only on the title and who is signed in, so it is
 *  rendered once for each of those and kept (500 at most): every page view used to build the same
 *  forty elements again, a sixth of the Users page's rendering. */
export function Layout(props: { title: string; shell: Shell; children: Child }) {
  const [before, after] = shellMarkup(props.title, props.shell);
  return <>{before}{props.children}{after}</>;
}

const SLOT = "\u0000page\u0000";
const shells = new Map<string, [HtmlEscapedString, HtmlEscapedString]>();

function shellMarkup(title: string, shell: Shell): [HtmlEscapedString, HtmlEscapedString] {
  const { session, localMode, mailHeld, active } = shell;
  const key = JSON.stringify([title, localMode, mailHeld, active, session?.isAdmin, session?.org.name, session?.person.displayName, session?.person.email]);
  let parts = shells.get(key);
  if (!parts) {
    // The slot is the last thing but closing tags: found from the end, whatever the names hold.
    const markup = String(<ShellMarkup title={title} shell={shell}>{raw(SLOT)}</ShellMarkup>);
    const at = markup.lastIndexOf(SLOT);
    parts = [raw(markup.slice(0, at)), raw(markup.slice(at + SLOT.length))];
    if (shells.size >= 500) shells.delete(shells.keys().next().value!);
    shells.set(key, parts);
  }
  return parts;
}

function ShellMarkup(props: { title: string; shell: Shell; children: Child }) {
  const { session, localMode, mailHeld, active } = props.shell;
  const outbox = session?.isAdmin ? <a href="/outbox">outbox</a> : "outbox";
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
          {localMode ? (
            <div class="local-banner" role="note">
              Local mode: local sign-in without passwords, {mailHeld ? <>emails kept in the local {outbox}</> : "emails sent through Resend"}.
            </div>
          ) : mailHeld && (
            <div class="mail-banner" role="note">
              Mail is not being sent: invitations and notices stay in the {outbox} (MAIL_TRANSPORT=outbox).
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
                  {mailHeld && <li><a href="/outbox" aria-current={active === "outbox" ? "page" : undefined}>{localMode ? "Local outbox" : "Outbox"}</a></li>}
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
