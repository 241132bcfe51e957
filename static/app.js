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
    dialog.setAttribute("aria-label", link.textContent.trim());
    dialog.innerHTML = '<article><div class="dialog-body" aria-live="polite">Loading…</div></article>';
    document.body.appendChild(dialog);
    dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
  }
  const body = dialog.querySelector(".dialog-body");
  window.htmx.ajax("GET", link.getAttribute("href"), { target: body, swap: "innerHTML" }).then(() => {
    const first = body.querySelector("[autofocus], input:not([type=hidden]), button, a[href]");
    if (first) first.focus();
  });
  dialog.showModal();
});

// Buttons marked data-close-dialog close the dialog they are in.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-close-dialog]") : null;
  if (!button) return;
  const dialog = button.closest("dialog");
  if (dialog) { event.preventDefault(); dialog.close(); }
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
