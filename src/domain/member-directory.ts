// Directory changes reach members: a member keeps a copy of their person's name and address
// (the Users list sorts and searches them from its own indexes), so every write to the directory
// (Graph delta sync, directory:import) refreshes the copies of the people it wrote, in the same
// transaction. An address another member already holds (someone left and a new hire got it) is
// not taken: that member keeps their address until the other one is resolved; the name changes.
import type { Tx } from "../db/client.js";
import { sql, type SQL } from "drizzle-orm";

/** The members of these directory people, given their person's current name and address (mail, else UPN). */
export function refreshMembersSql(orgId: string, personIds: string[], now = Date.now()): SQL {
  const address = sql`coalesce(p.mail, p.user_principal_name)`;
  const norm = sql`coalesce(p.mail_norm, p.upn_norm)`;
  const taken = sql`(${norm} IS NULL OR EXISTS (SELECT 1 FROM members o WHERE o.org_id = m.org_id AND o.email_norm = ${norm} AND o.id <> m.id))`;
  return sql`UPDATE members SET name = c.name, sort_name = c.sort_name, email = c.email, email_norm = c.email_norm, updated_at = ${now}
    FROM (SELECT m.id, p.display_name AS name, p.display_norm AS sort_name,
            CASE WHEN ${taken} THEN m.email ELSE ${address} END AS email,
            CASE WHEN ${taken} THEN m.email_norm ELSE ${norm} END AS email_norm
          FROM json_each(${JSON.stringify(personIds)}) j
          CROSS JOIN members m ON m.person_id = j.value AND +m.org_id = ${orgId}
          JOIN directory_people p ON p.id = m.person_id AND p.org_id = m.org_id) AS c
    WHERE members.id = c.id AND (members.name IS NOT c.name OR members.sort_name IS NOT c.sort_name
      OR members.email IS NOT c.email OR members.email_norm IS NOT c.email_norm)`;
}

export async function refreshMembersFromDirectory(tx: Tx, orgId: string, personIds: string[]): Promise<void> {
  if (personIds.length > 0) await tx.run(refreshMembersSql(orgId, personIds));
}
