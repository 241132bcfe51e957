// Writing a Graph delta round into directory_people (src/domain/directory-delta.ts), keyed on
// (org, object id): a few hundred people a statement, with multi-row VALUES.
import type { InValue } from "@libsql/client";
import type { Db, Tx } from "../types.js";
import { readStatement, runStatement } from "../driver.js";
import { PERSON_FIELDS, type PersonFields } from "../directory-person.js";

/** A person as stored, with the fields a delta may change (account_enabled as the 0/1 SQLite holds). */
export type StoredPerson = { id: string; oid: string | null } & Omit<PersonFields, "accountEnabled"> & {
    accountEnabled: number;
    upnNorm: string | null;
    removedAt: number | null;
  };
const STORED_COLUMNS = ["id", "oid", ...PERSON_FIELDS, "upnNorm", "removedAt"] satisfies (keyof StoredPerson)[];

const SELECTED =
  "id, entra_object_id AS oid, mail, user_principal_name AS userPrincipalName, display_name AS displayName, given_name AS givenName, surname, job_title AS jobTitle, department, account_enabled AS accountEnabled, upn_norm AS upnNorm, removed_at AS removedAt";
const COLUMNS =
  "id, org_id, entra_object_id, mail, user_principal_name, display_name, given_name, surname, job_title, department, account_enabled, mail_norm, upn_norm, display_norm, given_norm, surname_norm, department_norm, removed_at, updated_at";
const marks = (n: number) => Array(n).fill("?").join(",");

const ANY_PERSON = "SELECT 1 FROM directory_people WHERE org_id = ? LIMIT 1";
const ANY_UNKEYED = "SELECT 1 FROM directory_people WHERE org_id = ? AND entra_object_id IS NULL LIMIT 1";
const LIVE_KEYED = "SELECT entra_object_id AS oid FROM directory_people WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IS NOT NULL";
const byObjectIds = (n: number) => `SELECT ${SELECTED} FROM directory_people WHERE org_id = ? AND entra_object_id IN (${marks(n)})`;
const unkeyedByUpns = (n: number) => `SELECT ${SELECTED} FROM directory_people WHERE org_id = ? AND entra_object_id IS NULL AND upn_norm IN (${marks(n)})`;
const ADOPT = "UPDATE directory_people SET entra_object_id = ? WHERE id = ?";
const releaseUpns = (upns: number, keep: number) => `UPDATE directory_people SET upn_norm = NULL WHERE org_id = ? AND upn_norm IN (${marks(upns)})
  ${keep ? `AND (entra_object_id IS NULL OR entra_object_id NOT IN (${marks(keep)}))` : ""}`;
const upsert = (rows: number) => `INSERT INTO directory_people (${COLUMNS}) VALUES ${Array(rows)
  .fill(`(${marks(17)}, NULL, ?)`)
  .join(",")}
  ON CONFLICT (org_id, entra_object_id) DO UPDATE SET mail = excluded.mail, user_principal_name = excluded.user_principal_name,
    display_name = excluded.display_name, given_name = excluded.given_name, surname = excluded.surname, job_title = excluded.job_title,
    department = excluded.department, account_enabled = excluded.account_enabled, mail_norm = excluded.mail_norm, upn_norm = excluded.upn_norm,
    display_norm = excluded.display_norm, given_norm = excluded.given_norm, surname_norm = excluded.surname_norm,
    department_norm = excluded.department_norm, removed_at = NULL, updated_at = excluded.updated_at`;
const liveIds = (n: number) => `SELECT id FROM directory_people WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IN (${marks(n)})`;
const remove = (n: number) =>
  `UPDATE directory_people SET removed_at = ?, updated_at = ? WHERE org_id = ? AND removed_at IS NULL AND entra_object_id IN (${marks(n)})`;

export const statements = {
  ANY_PERSON,
  ANY_UNKEYED,
  LIVE_KEYED,
  ADOPT,
  BY_OBJECT_IDS: { sql: byObjectIds(2), columns: STORED_COLUMNS },
  UNKEYED_BY_UPNS: { sql: unkeyedByUpns(2), columns: STORED_COLUMNS },
  RELEASE_UPNS: releaseUpns(2, 0),
  RELEASE_UPNS_KEEPING: releaseUpns(2, 2),
  UPSERT: upsert(2),
  LIVE_IDS: { sql: liveIds(2), columns: ["id"] },
  REMOVE: remove(2),
};

/** Whether the organization has anyone in its directory (`unkeyed`: anyone without an object id, from a CSV). */
export async function hasDirectoryPeople(db: Db, orgId: string, which: "any" | "unkeyed"): Promise<boolean> {
  return (await readStatement(db, { sql: which === "any" ? ANY_PERSON : ANY_UNKEYED, args: [orgId] })).rows.length > 0;
}

/** The object ids of everyone present (not removed) who has one. */
export async function listLiveObjectIds(db: Db, orgId: string): Promise<string[]> {
  return (await readStatement(db, { sql: LIVE_KEYED, args: [orgId] })).rows.map((r) => String(r.oid));
}

export async function findPeopleByObjectIds(tx: Tx, orgId: string, oids: string[]): Promise<StoredPerson[]> {
  return (await runStatement(tx, { sql: byObjectIds(oids.length), args: [orgId, ...oids] })).rows as unknown as StoredPerson[];
}

/** People without an object id (imported from a CSV) holding these UPNs (normalized). */
export async function findUnkeyedPeopleByUpns(tx: Tx, orgId: string, upns: string[]): Promise<StoredPerson[]> {
  return (await runStatement(tx, { sql: unkeyedByUpns(upns.length), args: [orgId, ...upns] })).rows as unknown as StoredPerson[];
}

export async function adoptObjectId(tx: Tx, personId: string, oid: string): Promise<void> {
  await runStatement(tx, { sql: ADOPT, args: [oid, personId] });
}

/** Whoever holds one of these UPNs, except the people with the `keep` object ids, lets go of it. */
export async function releaseUpnNorms(tx: Tx, orgId: string, upns: string[], keep: string[]): Promise<void> {
  await runStatement(tx, { sql: releaseUpns(upns.length, keep.length), args: [orgId, ...upns, ...keep] });
}

/** One person's row for upsertPeople, in COLUMNS order without removed_at (17 values, then updated_at). */
export type PersonValues = [
  id: string,
  orgId: string,
  oid: string,
  mail: string | null,
  userPrincipalName: string | null,
  displayName: string,
  givenName: string | null,
  surname: string | null,
  jobTitle: string | null,
  department: string | null,
  accountEnabled: 0 | 1,
  mailNorm: string | null,
  upnNorm: string | null,
  displayNorm: string,
  givenNorm: string | null,
  surnameNorm: string | null,
  departmentNorm: string | null,
  updatedAt: number,
];

/** Inserts the people, or updates them by (org, object id); a removed person comes back. */
export async function upsertPeople(tx: Tx, people: PersonValues[]): Promise<void> {
  await runStatement(tx, { sql: upsert(people.length), args: people.flat() as InValue[] });
}

/** The ids of the people with these object ids who are present (not removed). */
export async function findLivePeopleIds(tx: Tx, orgId: string, oids: string[]): Promise<string[]> {
  return (await runStatement(tx, { sql: liveIds(oids.length), args: [orgId, ...oids] })).rows.map((r) => String(r.id));
}

export async function markPeopleRemoved(tx: Tx, orgId: string, oids: string[], now: number): Promise<void> {
  await runStatement(tx, { sql: remove(oids.length), args: [now, now, orgId, ...oids] });
}
