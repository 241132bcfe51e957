// The page's one status element (WCAG 4.1.3): permanent, small, polite. The layout puts it in
// every page, empty; an htmx answer changes its text with a partial ("12 people found",
// "Check finished: 8 ready, 16 with errors."). Content that updates (tables, dialogs, progress
// bars) is never itself a live region: a screen reader would read all of it, or nothing.

export const LIVE_STATUS_ID = "page-status";

export function LiveStatus() {
  return <p id={LIVE_STATUS_ID} class="visually-hidden" role="status"></p>;
}

/** An htmx partial that sets the page's status text. */
export function LiveStatusText(props: { text: string }) {
  return (
    <hx-partial hx-target={`#${LIVE_STATUS_ID}`} hx-swap="textContent">
      {props.text}
    </hx-partial>
  );
}
