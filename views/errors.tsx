// Pages for refusals and failures: they say what happened and what to do, never a stack trace.
import type { Child } from "hono/jsx";
import { NoticePage } from "./components/notice-page.js";
import { PostButton } from "./components/post-button.js";

export function ForbiddenPage(props: { orgName: string }) {
  return (
    <NoticePage title="You need the Business Administrator role">
      <p>
        You are signed in to <strong>{props.orgName}</strong>, but only Business Administrators can use the admin center. Ask your organization's global
        administrator to assign you the <strong>Business Administrator</strong> role in Microsoft Entra ID, then sign in again.
      </p>
      <PostButton action="/logout" class="secondary">
        Sign out
      </PostButton>
    </NoticePage>
  );
}

export function NotFoundPage() {
  return (
    <NoticePage title="Page not found">
      <p>
        There is nothing at this address in your organization. Check the link, or go back to <a href="/users">Users</a>.
      </p>
    </NoticePage>
  );
}

export function ErrorPage(props: { requestId: string }) {
  return (
    <NoticePage title="Something went wrong on our side">
      <p>
        Nothing you entered was lost. Try again in a moment; if it keeps happening, give support this reference: <code>{props.requestId}</code>.
      </p>
    </NoticePage>
  );
}

/** "1 second", "5 seconds": how long a rate-limited client should wait. */
export const waitText = (seconds: number) => `${seconds} ${seconds === 1 ? "second" : "seconds"}`;

export function TooManyRequestsPage(props: { retryAfterSeconds: number }) {
  return (
    <NoticePage title="Too many requests">
      <p>You have made a lot of requests in a short time. Wait {waitText(props.retryAfterSeconds)}, then try again.</p>
    </NoticePage>
  );
}

export function BadRequestPage(props: { title: string; message: string; children?: Child }) {
  return (
    <NoticePage title={props.title}>
      <p>{props.message}</p>
      {props.children && <p>{props.children}</p>}
    </NoticePage>
  );
}
