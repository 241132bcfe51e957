// After Invite with groups: for each group, how many of its people were invited, and who was
// skipped and why (named up to a limit per reason, the rest counted).
import type { GroupInviteReport } from "../../src/domain/group-invitations.js";
import { formatNumber } from "../components/format.js";

const people = (n: number) => `${formatNumber(n)} ${n === 1 ? "person" : "people"}`;

export function GroupResults(props: { groups: GroupInviteReport[] }) {
  return (
    <>
      {props.groups.map((g) => (
        <GroupResult group={g} />
      ))}
    </>
  );
}

function GroupResult(props: { group: GroupInviteReport }) {
  const g = props.group;
  const skipped = g.skipped.reduce((n, s) => n + s.count, 0);
  return (
    <section class="group-result" aria-label={g.name} data-group-id={g.groupId}>
      <h3>{g.name}</h3>
      <p>
        {g.invited === 0 ? "No one invited" : `${people(g.invited)} invited`}
        {skipped > 0 ? `; ${people(skipped)} skipped.` : "."}
        {g.elsewhere > 0 ? ` ${people(g.elsewhere)} also added above ${g.elsewhere === 1 ? "is" : "are"} listed there.` : ""}
      </p>
      {g.skipped.length > 0 && (
        <ul class="not-invited">
          {g.skipped.map((s) => (
            <li>
              <strong>{people(s.count)}</strong>: {s.message}
              {s.people.length > 0 && (
                <ul>
                  {s.people.map((email) => (
                    <li>{email}</li>
                  ))}
                  {s.count > s.people.length && <li class="muted">and {people(s.count - s.people.length)} more</li>}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
