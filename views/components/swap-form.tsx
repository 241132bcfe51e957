// A form that works without JavaScript (the browser sends it to `action` and shows the answer)
// and, with htmx, sends the same request and swaps the answer in for `target` (outerHTML).
// Anything else (hx-disable, hx-confirm, class …) is the caller's and passes through.
import type { JSX } from "hono/jsx";

type SwapFormProps = Omit<JSX.IntrinsicElements["form"], "method" | "action"> & { action: string; target: string; method?: "get" | "post" };

export function SwapForm({ id, action, target, method = "post", children, ...attributes }: SwapFormProps) {
  const request = method === "get" ? { "hx-get": action } : { "hx-post": action };
  return (
    <form id={id} method={method} action={action} {...request} hx-target={target} hx-swap="outerHTML" {...attributes}>
      {children}
    </form>
  );
}
