// A page that says what happened and what to do next (a refusal, a failure, a dead link): one
// heading, then the caller's paragraphs, links or form. Never a stack trace.
import type { Child } from "hono/jsx";

export function NoticePage(props: { title: Child; children: Child }) {
  return (
    <section class="notice-page">
      <h1>{props.title}</h1>
      {props.children}
    </section>
  );
}
