// Invite User: the dialog's content (a fragment; the Users page opens it in a native <dialog>)
// and the same thing as a full page without JavaScript. The search input is a WAI-ARIA combobox
// (static/invite.js): matches come from GET /directory/search, + adds a removable chip holding
// a hidden `email` field, and Invite posts every chip in one POST /invitations.
import type { DirectorySearch } from "../../src/domain/directory-search.js";
import { CloseOrBack } from "../components/close-or-back.js";
import { InviteMatches } from "./directory-listbox.js";
import { SwapForm } from "../components/swap-form.js";
import { asOwnPage, DialogTitle } from "../components/dialog-or-page.js";

/** `page`: shown as a page of its own (its heading is the page's h1), not in the Users page's dialog. */
export type InviteView = { q: string; search: DirectorySearch | null; problem?: string; page?: boolean };

export const InvitePage = asOwnPage("invite-page", InviteUser);

export function InviteUser(props: InviteView) {
  return (
    <section id="invite-user" class="invite-user" aria-labelledby="invite-title">
      <DialogTitle page={props.page} id="invite-title">
        Invite User
      </DialogTitle>
      <p class="muted">Type at least two letters of a name or email address, then add people from your organization's directory with +.</p>
      <form method="get" action="/users/invite" class="invite-search" id="invite-search-form">
        <label for="invite-q">Name or email</label>
        <div class="combobox">
          <input
            id="invite-q"
            name="q"
            type="search"
            value={props.q}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded="false"
            aria-controls="invite-listbox"
            aria-describedby="invite-search-status"
            autocomplete="off"
            spellcheck={false}
            maxlength={100}
            autofocus
            hx-get="/directory/search"
            hx-trigger="input changed delay:200ms"
            hx-target="#invite-listbox"
            hx-swap="outerHTML"
          />
          <button type="submit" class="secondary no-js-only">
            Search
          </button>
        </div>
        <ul id="invite-listbox" role="listbox" aria-label="Matches in the directory" class="invite-listbox" tabindex={-1} hidden></ul>
      </form>
      <p id="invite-search-status" class="search-status" aria-live="polite"></p>
      <SwapForm id="invite-form" action="/invitations" target="#invite-user" class="invite-form">
        <h3 class="chips-title js-only">People to invite</h3>
        <ul id="invite-chips" class="chips js-only" aria-label="People to invite" data-empty-text="No one added yet."></ul>
        {props.search && <InviteMatches search={props.search} />}
        {props.problem && (
          <p id="invite-problem" class="field-error" role="alert" tabindex={-1} data-focus-after-swap>
            {props.problem}
          </p>
        )}
        <div class="dialog-actions">
          <button type="submit" id="invite-submit">
            Invite
          </button>
          <CloseOrBack page={props.page} label="Cancel" />
        </div>
      </SwapForm>
    </section>
  );
}
