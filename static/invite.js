// Invite User's combobox (WAI-ARIA 1.2 combobox with a listbox popup) and the Users page's
// confirmations. htmx fetches the matches (GET /directory/search) into #invite-listbox; this file
// only moves the active option, adds chips and keeps ARIA state in step. Without it the page is
// a plain search form with checkboxes, and the row actions are plain forms and pages.
(() => {
  if (window.inviteUi) return;
  window.inviteUi = true;
  document.documentElement.classList.add("js");

  const $ = (id) => document.getElementById(id);
  const options = () => [...($("invite-listbox")?.querySelectorAll('[role="option"]') ?? [])];
  const chipValues = (name) => new Set([...($("invite-chips")?.querySelectorAll(`input[name="${name}"]`) ?? [])].map((i) => i.value.toLowerCase()));
  const chipEmails = () => chipValues("email");
  // An option is a person (data-email) or a group (data-group-id); its chip holds the matching field.
  const keyOf = (option) => (option.dataset.groupId ? ["group", option.dataset.groupId] : ["email", option.dataset.email || ""]);
  const announce = (text) => {
    const s = $("invite-search-status");
    if (s) s.textContent = text;
  };

  function setOpen(open) {
    const input = $("invite-q");
    const listbox = $("invite-listbox");
    if (!input || !listbox) return;
    const show = open && options().length > 0;
    listbox.hidden = !show;
    input.setAttribute("aria-expanded", String(show));
    if (!show) setActive(null);
  }

  function setActive(option) {
    const input = $("invite-q");
    for (const o of options()) o.setAttribute("aria-selected", String(o === option));
    if (option) {
      input?.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input?.removeAttribute("aria-activedescendant");
    }
  }

  const activeOption = () => {
    const id = $("invite-q")?.getAttribute("aria-activedescendant");
    return id ? $(id) : null;
  };

  // Options already chosen, or not addable, read as unavailable.
  function markChosen() {
    const chosen = { email: chipEmails(), group: chipValues("group") };
    for (const o of options()) {
      const [field, value] = keyOf(o);
      const taken = chosen[field].has(value.toLowerCase());
      o.classList.toggle("chosen", taken);
      if (o.dataset.blocked === undefined) o.dataset.blocked = String(o.getAttribute("aria-disabled") === "true");
      const blocked = o.dataset.blocked === "true" || taken;
      if (blocked) o.setAttribute("aria-disabled", "true");
      else o.removeAttribute("aria-disabled");
    }
  }

  function updateChipsState() {
    const chips = $("invite-chips");
    if (!chips) return;
    const n = chips.querySelectorAll(".chip").length;
    chips.classList.toggle("empty", n === 0);
    const submit = $("invite-submit");
    // With a group the number of people is the server's to say (a person may be in two groups).
    const groups = chips.querySelectorAll('input[name="group"]').length;
    if (submit) submit.textContent = n > 1 && groups === 0 ? `Invite ${n} people` : "Invite";
  }

  function addOption(option) {
    const [field, value] = keyOf(option);
    const email = option.dataset.email || "";
    const name = option.dataset.name || email;
    if (chipValues(field).has(value.toLowerCase())) return announce(`${name} is already on the list to invite.`);
    if (option.getAttribute("aria-disabled") === "true") {
      const why = option.querySelector(".match-badges, .match-group")?.textContent.trim();
      return announce(`${name} cannot be added${why ? `: ${why}` : ""}.`);
    }
    const chip = document.createElement("li");
    chip.className = field === "group" ? "chip chip-group" : "chip";
    const label = document.createElement("span");
    label.textContent = field === "group" ? `${name} (${option.dataset.people})` : name === email ? email : `${name} (${email})`;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = field;
    hidden.value = value;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove";
    remove.setAttribute("aria-label", `Remove ${name}`);
    remove.textContent = "×";
    chip.append(label, hidden, remove);
    $("invite-chips").append(chip);
    markChosen();
    updateChipsState();
    const chips = $("invite-chips");
    const people = chips.querySelectorAll('input[name="email"]').length;
    const groups = chips.querySelectorAll('input[name="group"]').length;
    const list = [groups && `${groups} ${groups === 1 ? "group" : "groups"}`, people && `${people} ${people === 1 ? "person" : "people"}`]
      .filter(Boolean)
      .join(" and ");
    announce(`Added ${field === "group" ? label.textContent : name}. ${list} to invite.`);
  }

  function move(step) {
    const all = options();
    if (all.length === 0) return;
    if ($("invite-listbox").hidden) setOpen(true);
    const at = all.indexOf(activeOption());
    const next = at === -1 ? (step > 0 ? 0 : all.length - 1) : (at + step + all.length) % all.length;
    setActive(all[next]);
  }

  document.addEventListener("keydown", (event) => {
    if (!(event.target instanceof HTMLElement) || event.target.id !== "invite-q") return;
    const open = $("invite-q").getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault(); // the search is live; Enter never leaves the dialog
      const option = open ? activeOption() : null;
      if (option) addOption(option);
    } else if (event.key === "Escape" && open) {
      event.preventDefault(); // close the popup, not the dialog
      event.stopPropagation();
      setOpen(false);
    } else if (event.key === "Home" || event.key === "End") {
      setActive(null);
    }
  });

  document.addEventListener("mousedown", (event) => {
    // Keep focus in the input while picking with the mouse.
    if (event.target instanceof Element && event.target.closest("#invite-listbox")) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return;
    const option = event.target.closest("#invite-listbox [role=option]");
    if (option) {
      event.preventDefault();
      setActive(option);
      addOption(option);
      $("invite-q")?.focus();
      return;
    }
    const remove = event.target.closest(".chip-remove");
    if (remove) {
      const chip = remove.closest(".chip");
      const name = chip?.querySelector("span")?.textContent ?? "";
      chip?.remove();
      markChosen();
      updateChipsState();
      announce(`Removed ${name}.`);
      $("invite-q")?.focus();
    }
  });

  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLElement && event.target.id === "invite-q") setOpen(true);
  });
  // A new search makes the last message stale ("Added …", "cannot be added"): the combobox's
  // description says only what is true now; the search's answer brings the next one.
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLElement && event.target.id === "invite-q") announce("");
  });
  document.addEventListener("focusout", (event) => {
    if (!(event.target instanceof HTMLElement) || event.target.id !== "invite-q") return;
    // Let a click on an option land before the popup hides.
    setTimeout(() => {
      if (document.activeElement?.id !== "invite-q") setOpen(false);
    }, 150);
  });

  document.addEventListener("submit", (event) => {
    if (event.target instanceof HTMLFormElement && event.target.id === "invite-search-form") event.preventDefault();
  });
  // Invite with no one chosen: say so here rather than round-trip (capture runs before htmx).
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.id !== "invite-form") return;
      if (form.querySelector('input:is([name="email"], [name="group"]):is([type=hidden], :checked)')) return;
      event.preventDefault();
      event.stopPropagation();
      announce("Add at least one person to invite: type a name, then press Enter or +.");
      $("invite-q")?.focus();
    },
    true,
  );

  document.addEventListener("htmx:after:swap", () => {
    if (!$("invite-listbox")) return;
    markChosen();
    updateChipsState();
    setOpen(document.activeElement?.id === "invite-q");
  });

  // The archive confirmation lives in a dialog: close it once the archive succeeded and put focus
  // back on the updated row.
  document.addEventListener("htmx:after:request", (event) => {
    const form = event.target instanceof Element ? event.target.closest("[data-close-dialog-after]") : null;
    const status = event.detail?.ctx?.response?.status ?? 0;
    if (form && status > 0 && status < 400) form.closest("dialog")?.close();
  });
  // The row is found by the id of the swap's target (the row that was replaced): the button or
  // form that asked may be gone with the old row, and htmx then fires this on the document.
  document.addEventListener("htmx:after:swap", (event) => {
    const id = event.detail?.ctx?.target?.id ?? "";
    if (!id.startsWith("member-")) return;
    const row = document.getElementById(id);
    if (row && (!document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected)) {
      row.querySelector(".row-actions button, .row-actions a")?.focus();
    }
  });

  // Archive selected: a native dialog that says how many, instead of window.confirm.
  document.addEventListener("htmx:confirm", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-bulk-archive]") : null;
    if (!button) return;
    event.preventDefault();
    const n = document.querySelectorAll('input[name="id"][form="user-table-form"]:checked').length;
    let dialog = $("bulk-archive-dialog");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "bulk-archive-dialog";
      dialog.setAttribute("aria-labelledby", "bulk-archive-title");
      dialog.setAttribute("aria-describedby", "bulk-archive-text");
      dialog.innerHTML =
        '<article><h2 id="bulk-archive-title" tabindex="-1"></h2><p class="bulk-archive-text" id="bulk-archive-text" data-dialog-description></p>' +
        '<div class="dialog-actions"><button type="button" class="danger" data-confirm>Archive</button>' +
        '<button type="button" class="secondary" data-cancel>Cancel</button></div></article>';
      document.body.append(dialog);
    }
    const title = dialog.querySelector("h2");
    const text = dialog.querySelector(".bulk-archive-text");
    const confirm = dialog.querySelector("[data-confirm]");
    const cancel = dialog.querySelector("[data-cancel]");
    if (n === 0) {
      title.textContent = "No users selected";
      text.textContent = "Select the users to archive with the checkboxes first.";
      confirm.hidden = true;
      cancel.textContent = "OK";
    } else {
      title.textContent = `Archive ${n} ${n === 1 ? "user" : "users"}?`;
      text.textContent = "They lose access to MileIQ for your organization, open invitation links stop working, and each gets an email saying so.";
      confirm.hidden = false;
      confirm.textContent = `Archive ${n} ${n === 1 ? "user" : "users"}`;
      cancel.textContent = "Cancel";
    }
    const finish = (go) => {
      confirm.onclick = cancel.onclick = dialog.oncancel = null;
      dialog.close();
      if (go) event.detail.issueRequest();
      else event.detail.dropRequest();
    };
    confirm.onclick = () => finish(true);
    cancel.onclick = () => finish(false);
    dialog.oncancel = () => finish(false);
    dialog.showModal();
    cancel.focus(); // the safe choice: never open on the destructive button
  });
})();
