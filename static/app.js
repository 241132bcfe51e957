// Our small scripts (no inline script: the CSP forbids it). Everything works without them.
// Links marked data-dialog="<id>" open their page inside a native <dialog> (loaded with htmx);
// without JavaScript they are ordinary links to a full page.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-dialog]") : null;
  if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  const id = link.getAttribute("data-dialog");
  let dialog = document.getElementById(id);
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = id;
    dialog.innerHTML = '<article><div class="dialog-body">Loading…</div></article>';
    document.body.appendChild(dialog);
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close();
    });
  }
  // Named by the link until its content comes, then by the content's heading.
  dialog.removeAttribute("aria-labelledby");
  dialog.removeAttribute("aria-describedby");
  dialog.setAttribute("aria-label", link.textContent.trim());
  const body = dialog.querySelector(".dialog-body");
  window.htmx.ajax("GET", link.getAttribute("href"), { target: body, swap: "innerHTML" }).then(() => {
    nameDialog(dialog);
    // The safe place to start: the field the content asks for (autofocus), else the heading;
    // never a destructive button or a side link.
    const start = body.querySelector("[autofocus]") ?? body.querySelector("h1, h2");
    if (start && !start.matches("[autofocus]")) start.setAttribute("tabindex", "-1");
    if (start) start.focus();
  });
  dialog.showModal();
});

/** A dialog is named by its content's first heading and described by [data-dialog-description]. */
function nameDialog(dialog) {
  const heading = dialog.querySelector("h1[id], h2[id]");
  const description = dialog.querySelector("[data-dialog-description][id]");
  if (heading) {
    dialog.removeAttribute("aria-label");
    dialog.setAttribute("aria-labelledby", heading.id);
  }
  if (description) dialog.setAttribute("aria-describedby", description.id);
  else dialog.removeAttribute("aria-describedby");
}
// The content of a dialog changes (Invite, then its result): the name follows.
document.addEventListener("htmx:after:swap", () => {
  for (const dialog of document.querySelectorAll("dialog[open]")) nameDialog(dialog);
});

// After an htmx update focus is never left on <body> (WCAG 2.4.3). When the swap removed the
// element that had focus, focus goes to what the answer marks [data-focus-after-swap] (a message
// or heading with tabindex="-1"), else to the first control of what replaced the target. A poll
// that replaces something the admin is not in never moves focus.
// Noted when the request starts and again before the swap: a button disabled in flight
// (hx-disable) has already lost focus by the time the answer comes.
const focusWasInTarget = new WeakMap();
const swapTargetOf = (event) => event.detail?.ctx?.target;
const noteFocus = (event) => {
  const ctx = event.detail?.ctx;
  const target = swapTargetOf(event);
  const active = document.activeElement;
  if (ctx && target instanceof Element && active && active !== document.body && target.contains(active)) focusWasInTarget.set(ctx, true);
};
document.addEventListener("htmx:config:request", noteFocus);
document.addEventListener("htmx:before:swap", noteFocus);
document.addEventListener("htmx:after:swap", (event) => {
  const was = focusWasInTarget.get(event.detail?.ctx) === true;
  const active = document.activeElement;
  if (!was || (active && active !== document.body && active.isConnected)) return;
  const old = swapTargetOf(event);
  const target = old?.isConnected ? old : old?.id ? document.getElementById(old.id) : null;
  if (!target) return;
  const spot = target.matches("[data-focus-after-swap]")
    ? target
    : (target.querySelector("[data-focus-after-swap]") ?? target.querySelector("button:not([disabled]), a[href], input:not([type=hidden]):not([disabled])"));
  spot?.focus();
});

// Buttons marked data-close-dialog close the dialog they are in.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-close-dialog]") : null;
  if (!button) return;
  const dialog = button.closest("dialog");
  if (dialog) {
    event.preventDefault();
    dialog.close();
  }
});

// Links styled as buttons (role="button") answer Space as buttons do; Enter already follows them.
// Like a native button, they act when the key comes up, and the page does not scroll.
const isLinkButton = (target) => target instanceof Element && target.matches('a[role="button"]');
document.addEventListener("keydown", (event) => {
  if (event.key === " " && isLinkButton(event.target)) event.preventDefault();
});
document.addEventListener("keyup", (event) => {
  if (event.key !== " " || !isLinkButton(event.target)) return;
  event.preventDefault();
  event.target.click();
});
