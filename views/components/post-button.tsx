// A form that is one button: pressing it posts to `action` (sign out, switch account). It works
// without JavaScript; the answer is a redirect.
import type { Child } from "hono/jsx";

export function PostButton(props: { action: string; class?: string; children: Child }) {
  return (
    <form method="post" action={props.action}>
      <button type="submit" class={props.class}>
        {props.children}
      </button>
    </form>
  );
}
