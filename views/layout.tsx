// The app shell: header (organization, signed-in person, Sign out), left panel, the local-mode
// banner or the "mail is not being sent" banner (each a landmark), the page, and the page's one
// polite status element (components/live-status.tsx). Scripts are our own files: the
// CSP allows no inline script.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SessionIdentity } from "../src/auth/session.js";
import { LiveStatus } from "./components/live-status.js";

export type Shell = {
  localMode: boolean;
  /** Mail stays in the outbox (MAIL_TRANSPORT=outbox, or local mode without Resend): nothing is sent. */
  mailHeld: boolean;
  session: SessionIdentity | null;
  active?: "users" | "settings" | "activity" | "outbox" | undefined;
};

/** The document's title: where the admin is, then the product. */
export const documentTitle = (title: string) => `${title} · MileIQ Admin Center`;

/** The shell around a page. Its markup is rendered once for each distinct ShellProps and kept
 *  (500 at most), rather than on every page view: the page goes into the slot between the parts. */
export function Layout(props: { title: string; shell: Shell; children: Child }) {
  const [before, after] = shellMarkup(shellPropsOf(props.title, props.shell));
  return (
    <>
      {before}
      {props.children}
      {after}
    </>
  );
}

/** Everything the shell's markup shows, and all it may read: the cache key is the whole of it. */
type ShellProps = {
  title: string;
  localMode: boolean;
  mailHeld: boolean;
  active: Shell["active"] | null;
  admin: boolean;
  /** Who is signed in, as the header names them. */
  who: { org: string; person: string } | null;
};

function shellPropsOf(title: string, shell: Shell): ShellProps {
  const { session } = shell;
  return {
    title,
    localMode: shell.localMode,
    mailHeld: shell.mailHeld,
    active: shell.active ?? null,
    admin: session?.isAdmin ?? false,
    who: session ? { org: session.org.name, person: session.person.displayName || session.person.email } : null,
  };
}

const SLOT = "\u0000page\u0000";
const shells = new Map<string, [HtmlEscapedString, HtmlEscapedString]>();

function shellMarkup(props: ShellProps): [HtmlEscapedString, HtmlEscapedString] {
  const key = JSON.stringify(props);
  let parts = shells.get(key);
  if (!parts) {
    // The slot comes after everything the shell shows of its props: found from the end, whatever the names hold.
    const markup = String(<ShellMarkup {...props}>{raw(SLOT)}</ShellMarkup>);
    const at = markup.lastIndexOf(SLOT);
    parts = [raw(markup.slice(0, at)), raw(markup.slice(at + SLOT.length))];
    if (shells.size >= 500) shells.delete(shells.keys().next().value!);
    shells.set(key, parts);
  }
  return parts;
}

function ShellMarkup(props: ShellProps & { children: Child }) {
  const { localMode, mailHeld, active, admin, who } = props;
  const outbox = admin ? <a href="/outbox">outbox</a> : "outbox";
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
          <title>{documentTitle(props.title)}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/pico.min.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <link rel="stylesheet" href="/static/invite.css" />
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/app.js" defer></script>
          <script src="/static/invite.js" defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          {localMode ? (
            <aside class="local-banner" aria-label="Local mode">
              Local mode: local sign-in without passwords, {mailHeld ? <>emails kept in the local {outbox}</> : "emails sent through Resend"}.
            </aside>
          ) : (
            mailHeld && (
              <aside class="mail-banner" aria-label="Mail not sent">
                Mail is not being sent: invitations and notices stay in the {outbox} (MAIL_TRANSPORT=outbox).
              </aside>
            )
          )}
          <header class="app-header">
            <a class="brand" href="/users">
              MileIQ <span>Admin Center</span>
            </a>
            {who && (
              <div class="who">
                <span class="org">{who.org}</span>
                <span class="person">{who.person}</span>
                <form method="post" action="/logout" class="inline">
                  <button type="submit" class="secondary outline small">
                    Sign out
                  </button>
                </form>
              </div>
            )}
          </header>
          <div class={admin ? "app-body" : "app-body no-nav"}>
            {admin && (
              <nav class="side-nav" aria-label="Admin center">
                <ul>
                  <li>
                    <a href="/users" aria-current={active === "users" ? "page" : undefined}>
                      Users
                    </a>
                  </li>
                  <li>
                    <a href="/settings" aria-current={active === "settings" ? "page" : undefined}>
                      Settings
                    </a>
                  </li>
                  <li>
                    <a href="/activity" aria-current={active === "activity" ? "page" : undefined}>
                      Activity
                    </a>
                  </li>
                  {mailHeld && (
                    <li>
                      <a href="/outbox" aria-current={active === "outbox" ? "page" : undefined}>
                        {localMode ? "Local outbox" : "Outbox"}
                      </a>
                    </li>
                  )}
                </ul>
              </nav>
            )}
            <main id="main" tabindex={-1}>
              {props.children}
              <LiveStatus />
            </main>
          </div>
        </body>
      </html>
    </>
  );
}
