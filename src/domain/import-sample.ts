// The sample CSV of Bulk upload users: an `email` column with two people of the signed-in
// organization's own directory who are not members yet, so the sample checks as ready in that
// organization (a sample of another organization's addresses fails on every row there). Nothing
// is sent unless the admin presses Send Invite. An organization without such people gets
// example addresses on its own domain.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { organizations } from "../db/schema.js";

/** The sample file's text (CRLF, as spreadsheets write it). */
export async function buildImportSample(db: Db, orgId: string): Promise<string> {
  // In name order, walking the name index until two are found (a rare download: no cap needed).
  const found = await db.values<[string]>(sql`SELECT coalesce(p.mail, p.user_principal_name) FROM directory_people p INDEXED BY directory_people_org_display
    WHERE p.org_id = ${orgId} AND p.removed_at IS NULL AND p.account_enabled = 1 AND p.is_admin = 0
      AND NOT EXISTS (SELECT 1 FROM members m WHERE m.person_id = p.id)
    ORDER BY p.display_norm LIMIT 2`);
  let addresses = found.map((r) => String(r[0]));
  if (addresses.length < 2) {
    const [org] = await db.select({ domains: organizations.domains }).from(organizations).where(eq(organizations.id, orgId));
    const domain = org?.domains[0] ?? "example.com";
    addresses = [...addresses, `first.last@${domain}`, `another.person@${domain}`].slice(0, 2);
  }
  // An address never starts a formula, but a cell is quoted if it holds a comma or a quote.
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return ["email", ...addresses.map(cell)].join("\r\n") + "\r\n";
}
