// The one helper that decides page-or-fragment, for the routes and for the guards' 403 and 429
// pages (auth answers with views, never through a route). An htmx request (HX-Request, not a
// history restore) may get the fragment alone; everything else gets the full page. Vary:
// HX-Request keeps caches from mixing the two.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../src/context.js";
import { Layout, type Shell } from "./layout.js";
import { BadRequestPage, ErrorPage, NotFoundPage } from "./errors.js";

export function isFragmentRequest(c: Context): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

export function shellOf(c: Context<AppEnv>, active?: Shell["active"]): Shell {
  const { config } = c.get("deps");
  return { localMode: config.localMode, mailHeld: config.mailTransport === "outbox", session: c.get("session"), active };
}

export function renderPage(c: Context<AppEnv>, input: { title: string; body: Child; active?: Shell["active"] }) {
  c.header("Vary", "HX-Request");
  return c.html(
    <Layout title={input.title} shell={shellOf(c, input.active)}>
      {input.body}
    </Layout>,
  );
}

/**
 * A refusal the user can put right: the status, and a page whose heading says what could not be
 * done, `message` what to do instead, and `next` (a link) the way on.
 */
export function renderRefusal(
  c: Context<AppEnv>,
  status: 400 | 409 | 413,
  input: { title: string; active?: Shell["active"]; heading: string; message: string; next?: Child },
) {
  c.status(status);
  return renderPage(c, {
    title: input.title,
    active: input.active,
    body: (
      <BadRequestPage title={input.heading} message={input.message}>
        {input.next}
      </BadRequestPage>
    ),
  });
}

export function respond(
  c: Context<AppEnv>,
  input: { title: string; page: () => Child; fragment: () => Child; active?: Shell["active"]; status?: 200 | 400 | 404 | 409 | 413 | 422 | 429 },
) {
  if (input.status) c.status(input.status);
  c.header("Vary", "HX-Request");
  // biome-ignore lint/complexity/noUselessFragments: the fragment renders a Child to the HTML string c.html takes.
  if (isFragmentRequest(c)) return c.html(<>{input.fragment()}</>);
  return renderPage(c, { title: input.title, body: input.page(), active: input.active });
}

/** After a POST: htmx gets the fragment; a plain form post gets 303 to `location`. */
export function respondAfterPost(c: Context<AppEnv>, location: string, fragment: () => Child, status: 200 | 422 | 429 = 200) {
  if (isFragmentRequest(c)) {
    c.status(status);
    // biome-ignore lint/complexity/noUselessFragments: the fragment renders a Child to the HTML string c.html takes.
    return c.html(<>{fragment()}</>);
  }
  return c.redirect(location, 303);
}

export function renderNotFound(c: Context<AppEnv>) {
  c.status(404);
  return renderPage(c, { title: "Not found", body: <NotFoundPage /> });
}

export function renderError(c: Context<AppEnv>) {
  c.status(500);
  return renderPage(c, { title: "Something went wrong", body: <ErrorPage requestId={c.get("requestId") ?? ""} /> });
}
