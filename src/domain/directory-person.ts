// The normalized copies directory_people keeps beside a person's addresses and names, for
// lookups, prefix search and department groups. Every directory writer (directory.ts,
// directory-delta.ts, scim-person.ts) takes them from here, so a person is found by the same
// form whichever way they came in (addresses.ts is the one normalizer).
import type { PersonFields } from "../db/directory-person.js";
import { normalizeAddressOrNull } from "./addresses.js";

/** Each normalized field and the column of its copy. */
export const NORMALIZED_COLUMNS = {
  mail: "mailNorm",
  userPrincipalName: "upnNorm",
  displayName: "displayNorm",
  givenName: "givenNorm",
  surname: "surnameNorm",
  department: "departmentNorm",
} as const;

type NormalizedField = keyof typeof NORMALIZED_COLUMNS;
export type NormalizedCopies = { [F in NormalizedField as (typeof NORMALIZED_COLUMNS)[F]]: F extends "displayName" ? string : string | null };

/** The copies for these values (the column always holds a display name, "" for none). */
export function normalizedCopies(p: { [F in NormalizedField]: PersonFields[F] | null }): NormalizedCopies {
  return {
    mailNorm: normalizeAddressOrNull(p.mail),
    upnNorm: normalizeAddressOrNull(p.userPrincipalName),
    displayNorm: normalizeAddressOrNull(p.displayName) ?? "",
    givenNorm: normalizeAddressOrNull(p.givenName),
    surnameNorm: normalizeAddressOrNull(p.surname),
    // Every directory writer keeps department_norm: a department's group is found and counted by it.
    departmentNorm: normalizeAddressOrNull(p.department),
  };
}
