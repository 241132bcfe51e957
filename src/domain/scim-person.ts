// The directory person a SCIM user is. Found by Entra object id (externalId, when it is one),
// then by address (userName or work email, as user principal name or mail); created when there
// is none. Only what the SCIM resource changed overwrites what the directory sync wrote, so a
// mapping without, say, jobTitle never blanks the synced one. Every refusal comes before any write.
import type { Tx } from "../db/client.js";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { directoryPeople } from "../db/schema.js";
import { newId } from "../ids.js";
import { normalizeAddressOrNull } from "./addresses.js";
import { NORMALIZED_COLUMNS, normalizedCopies } from "./directory-person.js";
import type { PersonFields } from "../db/directory-person.js";
import type { ScimProblem, ScimUserFields } from "./scim-user-resource.js";

export type SavedPerson = { ok: true; personId: string } | { ok: false; problem: ScimProblem };

type Found = PersonFields & {
  id: string;
  oid: string | null;
  upnNorm: string | null;
  mailNorm: string | null;
  removedAt: Date | null;
  /** The SCIM user already provisioned as this person, if any. */
  scimUserId: string | null;
};

const conflict = (detail: string): SavedPerson => ({ ok: false, problem: { status: 409, scimType: "uniqueness", detail } });
const PERSON_KEYS = ["mail", "userPrincipalName", "displayName", "givenName", "surname", "jobTitle", "department"] as const;

function personValues(f: ScimUserFields) {
  return {
    mail: f.mail,
    userPrincipalName: f.userPrincipalName ?? f.mail,
    displayName: f.displayName,
    givenName: f.givenName,
    surname: f.surname,
    jobTitle: f.jobTitle,
    department: f.department,
  };
}

/** The columns a directory row gets for these values, with their normalized copies. */
function columnsFor(values: Partial<ReturnType<typeof personValues>>) {
  const out: Record<string, unknown> = { ...values };
  const copies = normalizedCopies({ mail: null, userPrincipalName: null, displayName: null, givenName: null, surname: null, department: null, ...values });
  for (const [field, column] of Object.entries(NORMALIZED_COLUMNS)) if (field in values) out[column] = copies[column];
  return out;
}

/**
 * The people this user may be (by id, object id, user principal name, mail), each with the SCIM
 * user already linked to it: one statement, an arm per index (an OR across them would scan the
 * organization's people on org_id's index instead).
 */
async function findCandidates(tx: Tx, orgId: string, personId: string | null, oid: string | null, norms: string[]): Promise<Found[]> {
  const arms: SQL[] = [];
  if (personId) arms.push(sql`SELECT id FROM directory_people WHERE org_id = ${orgId} AND id = ${personId}`);
  if (oid) arms.push(sql`SELECT id FROM directory_people WHERE org_id = ${orgId} AND entra_object_id = ${oid}`);
  if (norms.length) {
    const list = JSON.stringify(norms);
    arms.push(sql`SELECT id FROM directory_people WHERE org_id = ${orgId} AND upn_norm IN (SELECT value FROM json_each(${list}))`);
    arms.push(sql`SELECT id FROM directory_people WHERE org_id = ${orgId} AND mail_norm IN (SELECT value FROM json_each(${list}))`);
  }
  if (arms.length === 0) return [];
  const rows = await tx.all<Omit<Found, "removedAt" | "accountEnabled"> & { removedAt: number | null; accountEnabled: number }>(sql`
    SELECT p.id, p.entra_object_id AS oid, p.upn_norm AS upnNorm, p.mail_norm AS mailNorm, p.removed_at AS removedAt, p.account_enabled AS accountEnabled,
      p.mail, p.user_principal_name AS userPrincipalName, p.display_name AS displayName, p.given_name AS givenName, p.surname, p.job_title AS jobTitle,
      p.department, (SELECT s.id FROM scim_users s WHERE s.org_id = p.org_id AND s.person_id = p.id) AS scimUserId
    FROM directory_people p WHERE p.id IN (${sql.join(arms, sql` UNION ALL `)}) ORDER BY p.rowid`);
  return rows.map((r) => ({ ...r, removedAt: r.removedAt === null ? null : new Date(r.removedAt), accountEnabled: r.accountEnabled === 1 }));
}

/**
 * Finds or creates the person for `after` and writes what changed since `before` (the user's
 * fields as last stored; null for a new SCIM user). `personId`: the person the user already is.
 */
export async function savePersonForScimUser(
  tx: Tx,
  orgId: string,
  input: { scimUserId: string | null; personId: string | null; before: ScimUserFields | null; after: ScimUserFields },
): Promise<SavedPerson> {
  const { after, before } = input;
  const values = personValues(after);
  const upnNorm = normalizeAddressOrNull(values.userPrincipalName);
  const addresses = [...new Set([upnNorm, normalizeAddressOrNull(after.mail)].filter((v): v is string => !!v))];
  const candidates = await findCandidates(tx, orgId, input.personId, after.entraObjectId, addresses);
  const live = (p: Found) => (p.removedAt ? 0 : 1);
  const rank = (p: Found) =>
    (after.entraObjectId && p.oid === after.entraObjectId ? 8 : 0) +
    (p.upnNorm && addresses.includes(p.upnNorm) ? 4 : 0) +
    (p.mailNorm && addresses.includes(p.mailNorm) ? 2 : 0) +
    live(p);
  const person = input.personId ? candidates.find((p) => p.id === input.personId) : [...candidates].sort((a, b) => rank(b) - rank(a))[0];

  if (person && !input.personId && after.entraObjectId && person.oid && person.oid !== after.entraObjectId && !person.removedAt) {
    return conflict(`The address ${values.userPrincipalName} belongs to another directory account (object id ${person.oid}).`);
  }
  const upnHolder = candidates.find((p) => p.upnNorm === upnNorm && p.id !== person?.id);
  if (upnHolder) return conflict(`The address ${values.userPrincipalName} belongs to another person in the directory.`);
  const oidHolder = after.entraObjectId ? candidates.find((p) => p.oid === after.entraObjectId && p.id !== person?.id) : undefined;
  if (oidHolder) return conflict(`The object id ${after.entraObjectId} belongs to another person in the directory.`);
  if (person?.scimUserId && person.scimUserId !== input.scimUserId) return conflict(`This person is already provisioned as user ${person.scimUserId}.`);

  const now = new Date();
  // Entra says the user is assigned and enabled: our copy of the account is too.
  const enabled = after.active && person && (!person.accountEnabled || person.removedAt) ? { accountEnabled: true, removedAt: null } : {};
  if (!person) {
    const id = newId();
    const displayName = values.displayName ?? ([after.givenName, after.surname].filter(Boolean).join(" ") || after.userName);
    await tx.insert(directoryPeople).values({
      id,
      orgId,
      entraObjectId: after.entraObjectId,
      ...columnsFor({ ...values, displayName }),
      accountEnabled: true,
      updatedAt: now,
    } as typeof directoryPeople.$inferInsert);
    return { ok: true, personId: id };
  }
  const old = before ? personValues(before) : null;
  // A value the SCIM user changed (or, for a new SCIM user, any value it has) that the row does not hold yet.
  // A displayName is never cleared (the column always holds a name).
  const changed = Object.fromEntries(
    PERSON_KEYS.filter((k) => (old ? old[k] !== values[k] : values[k] !== null) && person[k] !== values[k] && !(k === "displayName" && values[k] === null)).map(
      (k) => [k, values[k]],
    ),
  );
  const oid = after.entraObjectId && after.entraObjectId !== person.oid ? { entraObjectId: after.entraObjectId } : {};
  const set = { ...columnsFor(changed), ...oid, ...enabled };
  if (Object.keys(set).length > 0) {
    await tx
      .update(directoryPeople)
      .set({ ...set, updatedAt: now })
      .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.id, person.id)));
  }
  return { ok: true, personId: person.id };
}
