// A SCIM User resource (RFC 7643 §4.1 and the enterprise extension §4.3) as Entra sends it:
// kept as attributes we store and answer with, and read into the directory person it describes.
// Pure functions. Attribute names are matched without regard to case and stored in their RFC
// spelling; unknown attributes (and `password`, `groups`) are not kept. Entra's quirks are
// accepted: "True"/"False" strings for booleans, `manager` as a bare id.
import { isUuid } from "../ids.js";
import { isValidAddressFormat, normalizeAddress } from "./addresses.js";

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export type ScimProblem = { status: 400 | 404 | 409 | 413; scimType?: string; detail: string };
export type ScimResource = Record<string, unknown>;

/** What the directory person and the membership are made of. */
export type ScimUserFields = {
  userName: string;
  userNameNorm: string;
  externalId: string | null;
  /** externalId when it is an Entra object id (a GUID), lower-case. */
  entraObjectId: string | null;
  active: boolean;
  /** userName when it is an address. */
  userPrincipalName: string | null;
  /** The work email (else the primary one, else the only one) when it is an address. */
  mail: string | null;
  /** displayName, else name.formatted; null when the user has neither (a new person is then named from the parts). */
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
};

export type ReadUser = { ok: true; resource: ScimResource; fields: ScimUserFields } | { ok: false; problem: ScimProblem };

const CORE = [
  "userName",
  "externalId",
  "name",
  "displayName",
  "nickName",
  "profileUrl",
  "title",
  "userType",
  "preferredLanguage",
  "locale",
  "timezone",
  "active",
  "emails",
  "phoneNumbers",
  "ims",
  "photos",
  "addresses",
  "entitlements",
  "roles",
  "x509Certificates",
];
const ENTERPRISE = ["employeeNumber", "costCenter", "organization", "division", "department", "manager"];
const NAME = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"];
const byLowerCase = (names: string[]) => new Map(names.map((n) => [n.toLowerCase(), n]));
export const coreAttributes = byLowerCase(CORE);
export const enterpriseAttributes = byLowerCase(ENTERPRISE);
const nameAttributes = byLowerCase(NAME);

export const MAX_STRING = 2048;
const MAX_RESOURCE_CHARS = 64 * 1024;
/** Keys that would reach an object's prototype when assigned. */
export const isUnsafeKey = (key: string) => key === "__proto__" || key === "constructor" || key === "prototype";

const invalid = (detail: string): { ok: false; problem: ScimProblem } => ({ ok: false, problem: { status: 400, scimType: "invalidValue", detail } });

/** "true"/"false" in any case (Entra sends "False") or a JSON boolean; undefined otherwise. */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return undefined;
}

/** JSON data with unsafe keys dropped, booleans-as-strings left alone, and depth and sizes bounded. */
function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "string") return value.length > MAX_STRING ? undefined : value;
  if (depth >= 4) return undefined;
  if (Array.isArray(value))
    return value
      .slice(0, 100)
      .map((v) => plain(v, depth + 1))
      .filter((v) => v !== undefined);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = isUnsafeKey(k) ? undefined : plain(v, depth + 1);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

/** The stored form of a body or a patched resource: known attributes in their RFC spelling. */
function keepKnown(input: Record<string, unknown>): ScimResource {
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(input)) {
    const core = coreAttributes.get(key.toLowerCase());
    if (core) {
      out[core] = plain(value);
      continue;
    }
    if (key.toLowerCase() === ENTERPRISE_SCHEMA.toLowerCase() && isObject(value)) {
      const ext: Record<string, unknown> = {};
      for (const [sub, v] of Object.entries(value)) {
        const name = enterpriseAttributes.get(sub.toLowerCase());
        if (name) ext[name] = name === "manager" && typeof v === "string" ? { value: v } : plain(v);
      }
      out[ENTERPRISE_SCHEMA] = ext;
    }
  }
  if (isObject(out.name)) {
    const name: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out.name)) {
      const known = nameAttributes.get(k.toLowerCase());
      if (known) name[known] = v;
    }
    out.name = name;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined || out[key] === null) delete out[key];
  return out;
}

type Email = { value?: unknown; type?: unknown; primary?: unknown };

function pickEmail(emails: Email[]): string | null {
  const typed = (t: string) => emails.find((e) => typeof e.type === "string" && e.type.toLowerCase() === t);
  const chosen = typed("work") ?? emails.find((e) => readBoolean(e.primary) === true) ?? (emails.length === 1 ? emails[0] : undefined);
  const value = text(chosen?.value);
  return value && isValidAddressFormat(value) ? value : null;
}

/** Reads a POST/PUT body or a patched resource: the attributes to store and the person's fields. */
export function readUserResource(input: unknown): ReadUser {
  if (!isObject(input)) return invalid("The body must be a JSON object: a SCIM User resource.");
  const resource = keepKnown(input);
  const userName = text(resource.userName);
  if (!userName) return invalid("userName is required: a non-empty string, usually the user's principal name.");
  if (userName.length > 256) return invalid("userName is longer than 256 characters.");
  resource.userName = userName;
  if (resource.externalId !== undefined && (typeof resource.externalId !== "string" || resource.externalId.length > 256)) {
    return invalid("externalId must be a string of at most 256 characters.");
  }
  const active = resource.active === undefined ? true : readBoolean(resource.active);
  if (active === undefined) return invalid("active must be true or false.");
  resource.active = active;
  for (const key of ["displayName", "title", "nickName", "userType", "preferredLanguage", "locale", "timezone"]) {
    if (resource[key] !== undefined && typeof resource[key] !== "string") return invalid(`${key} must be a string.`);
  }
  if (resource.name !== undefined && !isObject(resource.name)) return invalid("name must be an object (givenName, familyName, formatted …).");
  const name = (resource.name ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(name)) if (typeof v !== "string") return invalid(`name.${k} must be a string.`);
  for (const key of ["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"]) {
    const list = resource[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every(isObject)) return invalid(`${key} must be a list of objects.`);
    for (const item of list as Record<string, unknown>[]) {
      if ("primary" in item) {
        const primary = readBoolean(item.primary);
        if (primary === undefined) return invalid(`${key}[].primary must be true or false.`);
        item.primary = primary;
      }
    }
  }
  const ext = (resource[ENTERPRISE_SCHEMA] ?? {}) as Record<string, unknown>;
  if (ext.department !== undefined && typeof ext.department !== "string") return invalid("department must be a string.");
  if (JSON.stringify(resource).length > MAX_RESOURCE_CHARS) return invalid("The user has more than 64 KB of attributes.");

  const userPrincipalName = isValidAddressFormat(userName) ? userName : null;
  const mail = pickEmail((resource.emails ?? []) as Email[]);
  if (!userPrincipalName && !mail) {
    return invalid(
      `The user has no email address: userName "${userName.slice(0, 100)}" is not an address and there is no work email. Map userName to userPrincipalName or emails[type eq "work"].value to mail.`,
    );
  }
  const externalId = text(resource.externalId);
  const givenName = text(name.givenName);
  const surname = text(name.familyName);
  const displayName = text(resource.displayName) ?? text(name.formatted);
  return {
    ok: true,
    resource,
    fields: {
      userName,
      userNameNorm: normalizeAddress(userName),
      externalId,
      entraObjectId: externalId && isUuid(externalId) ? externalId.toLowerCase() : null,
      active,
      userPrincipalName,
      mail,
      displayName,
      givenName,
      surname,
      jobTitle: text(resource.title),
      department: text(ext.department),
    },
  };
}

/** The resource as answered: schemas, id, the stored attributes, meta. */
export function renderUserResource(row: { id: string; resource: ScimResource; createdAt: Date; updatedAt: Date }, baseUrl: string) {
  const { [ENTERPRISE_SCHEMA]: ext, ...core } = row.resource;
  return {
    schemas: ext ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: row.id,
    ...core,
    ...(ext ? { [ENTERPRISE_SCHEMA]: ext } : {}),
    meta: {
      resourceType: "User",
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${row.id}`,
      version: `W/"${row.updatedAt.getTime()}"`,
    },
  };
}
