// The one helper that decides page-or-fragment. An htmx request (HX-Request, not a history
// restore) may get the fragment alone; everything else gets the full page. Vary: HX-Request
// keeps caches from mixing the two.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HtmlEscapedCallbackPhase, resolveCallback } from "hono/utils/html";
import type { AppEnv } from "../context.js";
import { Layout, type Shell } from "../../views/layout.js";
import { ErrorPage, NotFoundPage } from "../../views/errors.js";

export function isFragmentRequest(c: Context): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-History-Restore-Request") !== "true";
}

export function shellOf(c: Context<AppEnv>, active?: Shell["active"]): Shell {
  return { localMode: c.get("deps").config.localMode, session: c.get("session"), active };
}

/** Like `c.html`, but the response carries the markup as UTF-8 bytes. Given a string, node-server
 *  measures it (Buffer.byteLength) and then encodes it again to write it: for a 55 KB Users page
 *  holding one character beyond Latin-1 that was 0.18 ms, a tenth of the request. */
export async function sendHtml(c: Context, markup: Child, status?: ContentfulStatusCode): Promise<Response> {
  const text = await resolveCallback(<>{markup}</> as unknown as string, HtmlEscapedCallbackPhase.Stringify, false, {});
  c.header("Content-Type", "text/html; charset=UTF-8");
  // A Buffer is a Uint8Array; hono's type asks for one over a plain ArrayBuffer.
  return c.body(Buffer.from(text) as Uint8Array<ArrayBuffer>, status);
}

export function renderPage(c: Context<AppEnv>, input: { title: string; body: Child; active?: Shell["active"] }) {
  c.header("Vary", "HX-Request");
  return sendHtml(c, <Layout title={input.title} shell={shellOf(c, input.active)}>{input.body}</Layout>);
}

export function respond(
  c: Context<AppEnv>,
  input: { title: string; page: () => Child; fragment: () => Child; active?: Shell["active"]; status?: 200 | 400 | 404 | 409 | 422 | 429 },
) {
  if (input.status) c.status(input.status);
  c.header("Vary", "HX-Request");
  if (isFragmentRequest(c)) return sendHtml(c, input.fragment());
  return renderPage(c, { title: input.title, body: input.page(), active: input.active });
}

/** After a POST: htmx gets the fragment; a plain form post gets 303 to `location`. */
export function respondAfterPost(c: Context<AppEnv>, location: string, fragment: () => Child, status: 200 | 422 | 429 = 200) {
  if (isFragmentRequest(c)) {
    c.status(status);
    return sendHtml(c, fragment());
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
