// The type-ahead's answer: the listbox of matches (tabindex="-1": Chromium makes a scrolling box
// focusable, and Tab must go from the combobox to the next control) (WAI-ARIA options: groups first, then people)
// and, as a partial, the count for the polite live region. Without JavaScript the same matches
// are checkboxes (InviteMatches).
import type { DirectoryMatch, DirectorySearch } from "../../src/domain/directory-search.js";
import type { GroupMatch } from "../../src/domain/group-search.js";
import { html, raw } from "hono/html";
import { formatNumber } from "../components/format.js";
import { ProblemBadge, StatusBadge } from "../components/status-badge.js";

/** Invited or Active people, and disabled accounts, cannot be added; Archived people can be invited again. */
export const isAddable = (m: DirectoryMatch) => m.accountEnabled && m.memberStatus !== "invited" && m.memberStatus !== "active";

export function searchStatusText(search: DirectorySearch): string {
  if (!search.ok) return search.message;
  const n = search.matches.length + search.groups.length;
  if (n === 0) return `No one in the directory matches “${search.q}”.`;
  return `${n} ${n === 1 ? "match" : "matches"}. Use the arrow keys to choose and Enter to add.`;
}

export function DirectoryListbox(props: { search: DirectorySearch }) {
  const matches = props.search.ok ? props.search.matches : [];
  const groups = props.search.ok ? props.search.groups : [];
  const n = matches.length + groups.length;
  return (
    <>
      <ul id="invite-listbox" role="listbox" aria-label="Matches in the directory" class="invite-listbox" tabindex={-1} hidden={n === 0} data-count={String(n)}>
        {groups.map((g) => (
          <GroupOption group={g} />
        ))}
        {matches.map((m) => (
          <DirectoryOption match={m} />
        ))}
      </ul>
      <hx-partial hx-target="#invite-search-status" hx-swap="innerHTML">
        {searchStatusText(props.search)}
      </hx-partial>
    </>
  );
}

// The options and their text are html templates rather than JSX: the type-ahead answers on every
// keystroke, and the template renders its ten options in a quarter of the time. Values are escaped.
function DirectoryOption(props: { match: DirectoryMatch }) {
  const m = props.match;
  // Not a button: an option may not hold interactive content. Clicking the option adds it.
  return html`<li role="option" id="invite-opt-${m.personId}" class="invite-option" aria-selected="false"${isAddable(m) ? "" : raw(` aria-disabled="true"`)} data-email="${m.email}" data-name="${m.name}">${MatchText({ match: m })}<span class="add-person" aria-hidden="true" data-add-person="true">+</span></li>`;
}

export function MatchText(props: { match: DirectoryMatch }) {
  const m = props.match;
  return html`<span class="match"><span class="match-name">${m.name || m.email}</span><span class="match-email">${m.email}</span>${
    m.jobTitle ? html`<span class="match-job">${m.jobTitle}</span>` : ""
  }<span class="match-badges">${m.memberStatus ? StatusBadge({ status: m.memberStatus }) : ""}${
    m.accountEnabled ? "" : ProblemBadge({ label: "Account disabled" })
  }</span></span>`;
}

const kindLabels: Record<GroupMatch["kind"], string> = { department: "Department", security: "Security group", microsoft365: "Microsoft 365 group" };

/** "276 people" (what the chip says), "10,000+ people" past the count's cap. */
export const groupPeopleText = (g: GroupMatch) => `${formatNumber(g.eligible)}${g.capped ? "+" : ""} ${g.eligible === 1 && !g.capped ? "person" : "people"}`;

/** "Department · 276 people can be invited", or that no one in it can be invited any more. */
export const groupDetailText = (g: GroupMatch) =>
  `${kindLabels[g.kind]} · ${g.eligible === 0 ? "no one left to invite" : `${groupPeopleText(g)} can be invited`}`;

/** A group: + adds a chip for all its people who can be invited (static/invite.js reads the data attributes). */
function GroupOption(props: { group: GroupMatch }) {
  const g = props.group;
  return html`<li role="option" id="invite-group-${g.groupId}" class="invite-option invite-group" aria-selected="false"${g.eligible > 0 ? "" : raw(` aria-disabled="true"`)} data-group-id="${g.groupId}" data-name="${g.name}" data-people="${groupPeopleText(g)}"><span class="match"><span class="match-name">${g.name}</span><span class="match-group">${groupDetailText(g)}</span></span><span class="add-person" aria-hidden="true" data-add-person="true">+</span></li>`;
}

/** The no-JavaScript search result: checkboxes inside the Invite form. */
export function InviteMatches(props: { search: DirectorySearch }) {
  const { search } = props;
  if (!search.ok || search.matches.length + search.groups.length === 0) return <p class="muted">{searchStatusText(search)}</p>;
  return (
    <>
      {search.groups.length > 0 && (
        <fieldset class="invite-matches">
          <legend>Groups matching “{search.q}”</legend>
          {search.groups.map((g) => (
            <label class="invite-match">
              <input type="checkbox" name="group" value={g.groupId} disabled={g.eligible === 0} />
              <span class="match">
                <span class="match-name">{g.name}</span>
                <span class="match-group">{groupDetailText(g)}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {search.matches.length > 0 && (
        <fieldset class="invite-matches">
          <legend>People matching “{search.q}”</legend>
          {search.matches.map((m) => (
            <label class="invite-match">
              <input type="checkbox" name="email" value={m.email} disabled={!isAddable(m)} />
              <MatchText match={m} />
            </label>
          ))}
        </fieldset>
      )}
    </>
  );
}
