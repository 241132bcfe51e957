// Content the Users page shows in a native <dialog> (htmx) that is also a page of its own
// without JavaScript (`page`): there its heading is the page's h1 (h2 in the dialog, under the
// page's own h1), and the page leads back to Users. Cancel and Done: close-or-back.tsx.
import type { Child, FC } from "hono/jsx";

export function DialogTitle(props: { page?: boolean | undefined; id: string; children: Child }) {
  return props.page ? <h1 id={props.id}>{props.children}</h1> : <h2 id={props.id}>{props.children}</h2>;
}

/** The link back to the Users page, above a page's heading. */
export function BackToUsers() {
  return (
    <p>
      <a href="/users">← Users</a>
    </p>
  );
}

/**
 * Dialog content as a page of its own: `Content` rendered with `page`, in a wrapper of class
 * `className`, under the link back to Users.
 */
export function asOwnPage<P extends { page?: boolean | undefined }>(className: string, Content: FC<P>) {
  return (props: P) => (
    <div class={className}>
      <BackToUsers />
      <Content {...props} page />
    </div>
  );
}
