// Pages for refusals and failures: they say what happened and what to do, never a stack trace.
import type { Child } from "hono/jsx";

export function ForbiddenPage(props: { orgName: string }) {
  return (
    <section class="notice-page">
      <h1>You need the Business Administrator role</h1>
      <p>
        You are signed in to <strong>{props.orgName}</strong>, but only Business Administrators can use the admin center. Ask your organization's global
        administrator to assign you the <strong>Business Administrator</strong> role in Microsoft Entra ID, then sign in again.
      </p>
      <form method="post" action="/logout">
        <button type="submit" class="secondary">
          Sign out
        </button>
      </form>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section class="notice-page">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address in your organization. Check the link, or go back to <a href="/users">Users</a>.
      </p>
    </section>
  );
}

export function ErrorPage(props: { requestId: string }) {
  return (
    <section class="notice-page">
      <h1>Something went wrong on our side</h1>
      <p>
        Nothing you entered was lost. Try again in a moment; if it keeps happening, give support this reference: <code>{props.requestId}</code>.
      </p>
    </section>
  );
}

/** "1 second", "5 seconds": how long a rate-limited client should wait. */
export const waitText = (seconds: number) => `${seconds} ${seconds === 1 ? "second" : "seconds"}`;

export function TooManyRequestsPage(props: { retryAfterSeconds: number }) {
  return (
    <section class="notice-page">
      <h1>Too many requests</h1>
      <p>You have made a lot of requests in a short time. Wait {waitText(props.retryAfterSeconds)}, then try again.</p>
    </section>
  );
}

export function BadRequestPage(props: { title: string; message: string; children?: Child }) {
  return (
    <section class="notice-page">
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.children && <p>{props.children}</p>}
    </section>
  );
}
