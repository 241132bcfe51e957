// What the directory says about a person: the fields every directory writer sets (the CSV
// import, the Graph delta, SCIM), as directory_people holds them. Their normalized copies:
// src/domain/directory-person.ts.
import type { directoryPeople } from "./schema.js";

export const PERSON_FIELDS = ["mail", "userPrincipalName", "displayName", "givenName", "surname", "jobTitle", "department", "accountEnabled"] as const;

export type PersonFields = Pick<typeof directoryPeople.$inferSelect, (typeof PERSON_FIELDS)[number]>;
